// Resolved only by the browser bundle (scripts/bundle-web.mjs): every shaders/*.wgsl text by name.
declare module 'oaenet:shaders' {
  const sources: Record<string, string>;
  export default sources;
}
