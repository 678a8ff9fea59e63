// Ctrl-C during training: the first asks the loop to finish its step, save and stop (resumable); a
// second quits at once without saving.

/** Installs the handler; the returned function tells whether a stop was asked for. */
export function stopOnCtrlC(): () => boolean {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log('\nstopping after this step and saving (Ctrl-C again to quit without saving)');
  });
  return () => interrupted;
}
