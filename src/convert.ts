// PyTorch checkpoint → safetensors: node dist/convert.js IN.pth [OUT.safetensors]
// Reads the state dict without running Python (see src/pth/), removes DataParallel's `module.` prefix,
// keeps every tensor's dtype and values, stores the checkpoint's top-level numbers and strings (its
// epoch, say) as metadata, and writes OUT atomically. evaluate.js also reads the .pth directly; the
// converted file is for the browser page, other tools, and loading without re-parsing a pickle.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError, reason, runCli, userError } from './errors.js';
import { isPth, parsePth } from './pth/index.js';
import { writeFileAtomic } from './safetensors/file.js';
import { serializeSafetensors } from './safetensors/format.js';

const USAGE = 'usage: node dist/convert.js IN.pth [OUT.safetensors]   (OUT defaults to IN with the extension .safetensors)';

/** checkpoint.pth.tar → checkpoint.safetensors */
const defaultOutput = (input: string): string => `${input.replace(/(\.(pth|pt|tar|bin|ckpt))+$/i, '')}.safetensors`;

const kib = (n: number): string => (n < 1024 ? `${n} bytes` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length < 1 || args.length > 2 || args.some((a) => a.startsWith('-'))) throw new UserError(`convert.js: ${USAGE}`);
  const input = args[0]!;
  const output = args[1] ?? defaultOutput(input);
  if (resolve(input) === resolve(output)) throw userError(output, 'is also the input', 'name another output file');

  const bytes = await readFile(input).catch((e: unknown) => {
    throw userError(input, `cannot read the file (${reason(e)})`, 'check the path and its permissions');
  });
  if (!isPth(bytes)) throw userError(input, 'is not a file torch.save wrote (neither its zip nor its legacy format)', 'pass the .pth checkpoint PyTorch saved');
  const sd = parsePth(bytes, input);
  const out = serializeSafetensors(sd.entries, { ...sd.scalars, format: 'pt' });
  await writeFileAtomic(output, out);

  const from = sd.within === undefined ? '' : ` from its ${JSON.stringify(sd.within)}`;
  const prefix = sd.unprefixed ? ', DataParallel\'s "module." prefix removed' : '';
  console.log(`${input}: ${sd.entries.size} tensors${from}${prefix}`);
  const kept = Object.entries(sd.scalars).map(([k, v]) => `${k}=${v}`);
  if (kept.length) console.log(`kept as metadata: ${kept.join(', ')}`);
  console.log(`wrote ${output} (${kib(out.length)})`);
}

void runCli(main);
