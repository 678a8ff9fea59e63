import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svgText, textWidth } from '../src/draw/text.js';

const textModule = fileURLToPath(new URL('../src/draw/text.js', import.meta.url));

// Renders a line of text and prints the grey pixels as JSON; run in-process and in a child whose
// fontconfig knows no font at all (as on GPU hosts, where <text> came out as boxes).
const renderScript = `
  import sharp from 'sharp';
  import { svgText } from ${JSON.stringify(textModule)};
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="24"><rect width="100%" height="100%" fill="white"/>' +
    svgText('neutral 53 (95%) ρ0', 4, 17, { size: 14 }) + '</svg>';
  const px = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer();
  process.stdout.write(JSON.stringify(Array.from(px)));
`;

function render(env: NodeJS.ProcessEnv): number[] {
  // Resolve 'sharp' from the project: the script runs with the repository root as cwd.
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', renderScript], { env, cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString()) as number[];
}

test('text is drawn the same without any system font', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fonts-'));
  try {
    const empty = join(dir, 'fonts.conf');
    writeFileSync(empty, '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
    const withFonts = render(process.env);
    const without = render({ ...process.env, FONTCONFIG_FILE: empty });
    assert.equal(without, withFonts);
    assert.ok(withFonts.filter((v) => v < 128).length > 100, 'letters leave ink');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('anchors, widths and fallbacks', () => {
  assert.ok(Math.abs(textWidth('MM', 10) - 2 * textWidth('M', 10)) < 1e-9);
  assert.is(textWidth('a—b', 12), textWidth('a-b', 12));
  const at = (svg: string): number => Number(/translate\(([-\d.]+) /.exec(svg)![1]);
  const w = textWidth('abc', 12);
  assert.ok(Math.abs(at(svgText('abc', 100, 0, { size: 12, anchor: 'end' })) - (100 - w)) < 0.01);
  assert.ok(Math.abs(at(svgText('abc', 100, 0, { size: 12, anchor: 'middle' })) - (100 - w / 2)) < 0.01);
  // One path per drawn character; spaces draw nothing; an unknown character is a "?".
  assert.is(svgText('a b', 0, 0, { size: 12 }).match(/<path/g)!.length, 2);
  assert.is(svgText('中', 0, 0, { size: 12 }), svgText('?', 0, 0, { size: 12 }));
  assert.not.match(svgText('x', 0, 0, { size: 12 }), '<text');
});

test.run();
