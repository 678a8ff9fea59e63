// Full-model parity with PyTorch (the shared model fixture, at its recommended tolerances): the state-dict names, eval logits at
// 224 and 64 px with the intermediates, and a train-mode step (logits, pooled feature, loss, seg_out, the 11
// stored gradients, updated running statistics). Everything is read from oaenet_case.json, so another fixture
// folder with the same file names (env OAENET_MODEL_FIXTURES) works unchanged. Also the checkpoint format:
// save → load round trip, I64 counters, ignored base_model keys, one-line errors.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from './harness.js';
import * as assert from 'uvu/assert';
import { gpu } from '../src/kernels/context.js';
import { toFloat32, toFloat64, toInt32, type Entry } from '../src/safetensors/entry.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../src/safetensors/file.js';
import { Tensor } from '../src/graph/tensor.js';
import { backward, noGrad, tapeLength } from '../src/graph/tape.js';
import { crossEntropy } from '../src/graph/ops/index.js';
import { OAENet, type OAENetTaps } from '../src/model/oaenet.js';
import { TrackedBatchNorm2d } from '../src/model/blocks.js';
import { loadStateEntries, namedModules, stateEntries } from '../src/model/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../src/model/checkpoint_file.js';
import { fixtureDir } from './fixtures.js';
import { compare, setupGpu } from './util.js';

interface Desc {
  key: string;
  shape: number[];
  dtype: string;
}
type Descs = Record<string, Desc>;
interface CaseJson {
  weights_file: string;
  case_file: string;
  num_classes: number;
  state_dict_keys: Desc[];
  eval_224: { inputs: Descs; outputs: Descs; intermediates: Descs };
  eval_64: { inputs: Descs; outputs: Descs };
  train_224: {
    inputs: { labels: Desc };
    outputs: Descs;
    seg_out: { sum: number; mean_abs: number };
    grads: Descs;
    running_stats_after: Record<string, { running_mean: Desc; running_var: Desc; num_batches_tracked: number }>;
  };
}

const dir = fixtureDir('torch', 'OAENET_MODEL_FIXTURES');
const spec: CaseJson = JSON.parse(readFileSync(join(dir, 'oaenet_case.json'), 'utf8'));
let weights: Map<string, Entry>;
let data: Map<string, Entry>;
let model224: OAENet;
let model64: OAENet;

function entry(d: Desc): Entry {
  const e = data.get(d.key);
  if (!e) throw new Error(`${d.key} missing from ${spec.case_file}`);
  return e;
}
const values = (d: Desc): Float32Array => toFloat32(entry(d));
const tensor = (d: Desc): Tensor => Tensor.from(values(d), d.shape);

// ---- the table of achieved errors -------------------------------------------------------------------------

interface Row {
  what: string;
  metric: string;
  value: number;
  limit: string;
  ok: boolean;
}
const rows: Row[] = [];

function report(what: string, metric: string, value: number, limit: string, ok: boolean): void {
  rows.push({ what, metric, value, limit, ok });
  assert.ok(ok, `${what}: ${metric} ${value.toExponential(2)} (limit ${limit})`);
}

/** The fixtures' rule |a − b| ≤ rtol·|b| + atol·max(1, max|b|), after a shape check. */
async function close(what: string, t: Tensor, d: Desc, rtol: number, atol: number): Promise<void> {
  assert.equal([...t.shape], d.shape, `${what} shape`);
  const r = compare(await t.readF32(), values(d), rtol, atol);
  report(what, 'max|Δ|', r.maxAbs, `${rtol ? `rtol ${rtol.toExponential(0)}, ` : ''}atol ${atol.toExponential(0)}·max(1,max|b|)`, r.ok);
}

/** Wall time of each parity case, printed with the table. */
const times: string[] = [];
function timed(name: string, fn: () => Promise<void>): void {
  parity(name, async () => {
    const t0 = performance.now();
    await fn();
    times.push(`${name.split(':')[0]} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
}

/** The pool holds no more live bytes after fn than before it (no leaked intermediates). */
async function noLeak(what: string, fn: () => Promise<void>): Promise<void> {
  const before = gpu().pool.stats.liveBytes;
  await fn();
  assert.is(tapeLength(), 0, `${what}: tape emptied`);
  assert.is(gpu().pool.stats.liveBytes, before, `${what}: live bytes after vs before`);
}

/** The deep-gradient rule: cosine ≥ 0.9995 and ‖a − b‖/‖b‖ ≤ 3e-2. */
function gradientAgrees(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  let ab = 0, aa = 0, bb = 0, dd = 0;
  for (let i = 0; i < b.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
    dd += (a[i]! - b[i]!) ** 2;
  }
  const cosine = ab / Math.sqrt(aa * bb);
  report(what, '1 − cosine', 1 - cosine, '≤ 5e-4', cosine >= 0.9995);
  report(what, 'L2 rel', Math.sqrt(dd / bb), '≤ 3e-2', Math.sqrt(dd / bb) <= 3e-2);
}

/** max|a − b| ≤ 1e-3 · max|b| (the classifier's gradients). */
function maxAgrees(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  report(what, 'max|Δ|/max|b|', d / m, '≤ 1e-3', d <= 1e-3 * m);
}

// ---- parity -----------------------------------------------------------------------------------------------

const parity = suite('OAENet parity with PyTorch');

parity.before(async () => {
  await setupGpu();
  weights = (await readSafetensorsFile(join(dir, spec.weights_file))).entries;
  data = (await readSafetensorsFile(join(dir, spec.case_file))).entries;
  model224 = new OAENet({ numClasses: spec.num_classes });
  model64 = new OAENet({ numClasses: spec.num_classes, inputSize: 64 });
});

parity('state dict: the official keys, in order, with their shapes', () => {
  const state = [...model224.stateTensors()];
  assert.equal(state.map(([k]) => k), spec.state_dict_keys.map((d) => d.key));
  state.forEach(([k, t], i) => {
    const d = spec.state_dict_keys[i]!;
    assert.equal([...t.shape], d.shape, `${k} shape`);
    assert.is(t.dtype, d.dtype === 'I64' ? 'i32' : 'f32', `${k} dtype`);
  });
});

timed('eval 224: logits and intermediates', () => noLeak('eval 224', async () => {
  const c = spec.eval_224;
  loadStateEntries(model224, weights);
  model224.eval();
  const [image, attn] = [tensor(c.inputs.image!), tensor(c.inputs.attn_input!)];
  const taps: OAENetTaps = {};
  const { logits } = noGrad(() => model224.forward(image, attn, taps));
  await close('eval224 logits', logits, c.outputs.logits!, 0, 1e-4);
  await close('eval224 maintenance_out', taps.maintenanceOut!, c.intermediates.maintenance_out!, 0, 1e-4);
  await close('eval224 attention_out', taps.attentionOut!, c.intermediates.attention_out!, 0, 1e-4);
  // "atol 2e-3 (rel-to-max 3e-4)": max|b| ≈ 6, so 3e-4 · max|b| is that bound.
  await close('eval224 backbone_out', taps.backboneOut!, c.intermediates.backbone_out!, 0, 3e-4);
  await close('eval224 pooled', taps.pooled!, c.intermediates.pooled!, 0, 3e-4);
  for (const t of [image, attn, logits, ...Object.values(taps)]) t.dispose();
  model224.stateChanged(); // inference keeps folded Conv-BN weights on purpose: dropping them frees them all
}));

timed('eval 64: logits', () => noLeak('eval 64', async () => {
  const c = spec.eval_64;
  loadStateEntries(model64, weights);
  model64.eval();
  const [image, attn] = [tensor(c.inputs.image!), tensor(c.inputs.attn_input!)];
  const { logits } = noGrad(() => model64.forward(image, attn));
  await close('eval64 logits', logits, c.outputs.logits!, 0, 1e-4);
  for (const t of [image, attn, logits]) t.dispose();
  model64.stateChanged();
}));

timed('train 224: outputs, seg_out, gradients, running statistics', () => noLeak('train 224', async () => {
  const c = spec.train_224;
  const inputs = spec.eval_224.inputs; // the same tensors
  loadStateEntries(model224, weights);
  model224.train();
  const [image, attn] = [tensor(inputs.image!), tensor(inputs.attn_input!)];
  const labels = Tensor.from(toInt32(entry(c.inputs.labels)), c.inputs.labels.shape, 'i32');
  const { logits, pooled, segOut } = model224.forward(image, attn);
  const loss = crossEntropy(logits, labels);
  await close('train logits', logits, c.outputs.logits!, 0, 1e-4);
  await close('train pooled', pooled!, c.outputs.pooled!, 0, 5e-4);
  await close('train loss', loss, c.outputs.loss!, 0, 1e-5);

  assert.equal([...segOut!.shape], [image.shape[0]!, 2, ...image.shape.slice(2)]);
  const seg = await segOut!.readF32();
  const idx = toInt32(entry(c.outputs.seg_out_sample_indices_nchw!));
  const [, sc, sh, sw] = segOut!.shape as [number, number, number, number];
  const samples = Array.from({ length: idx.length / 4 }, (_, i) => seg[((idx[4 * i]! * sc + idx[4 * i + 1]!) * sh + idx[4 * i + 2]!) * sw + idx[4 * i + 3]!]!);
  const r = compare(samples, values(c.outputs.seg_out_sample_values!), 0, 1e-4);
  report('train seg_out samples', 'max|Δ|', r.maxAbs, 'atol 1e-4·max(1,max|b|)', r.ok);
  let sum = 0, abs = 0;
  for (const v of seg) {
    sum += v;
    abs += Math.abs(v);
  }
  const sumRel = Math.abs(sum - c.seg_out.sum) / Math.abs(c.seg_out.sum);
  report('train seg_out sum', 'rel Δ', sumRel, '≤ 1e-5', sumRel <= 1e-5);
  const meanAbsErr = Math.abs(abs / seg.length - c.seg_out.mean_abs);
  report('train seg_out mean_abs', '|Δ|', meanAbsErr, '≤ 1e-6', meanAbsErr <= 1e-6);

  // Running statistics are updated by the forward alone.
  const state = model224.stateTensors();
  const modules = namedModules(model224);
  for (const [name, s] of Object.entries(c.running_stats_after)) {
    await close(`${name}.running_mean`, state.get(`${name}.running_mean`)!, s.running_mean, 1e-5, 1e-6);
    await close(`${name}.running_var`, state.get(`${name}.running_var`)!, s.running_var, 1e-5, 1e-6);
    const bn = modules.get(`${name}.`);
    assert.ok(bn instanceof TrackedBatchNorm2d, `${name} is a BatchNorm`);
    assert.is(bn.numBatchesTracked, s.num_batches_tracked, `${name}.num_batches_tracked`);
  }

  backward(loss);
  const params = model224.namedParameters();
  for (const [name, d] of Object.entries(c.grads)) {
    const g = params.get(name)?.grad;
    assert.ok(g, `no gradient reached ${name}`);
    assert.equal([...g.shape], d.shape, `${name} gradient shape`);
    const [a, b] = [await g.readF32(), values(d)];
    if (name.startsWith('classifier.')) maxAgrees(`grad ${name}`, a, b);
    else gradientAgrees(`grad ${name}`, a, b);
  }
  for (const p of params.values()) {
    p.grad?.dispose();
    p.grad = null;
  }
  for (const t of [image, attn, labels, logits, pooled!, segOut!, loss]) t.dispose();
}));

parity.after(() => {
  const lines = rows.map((r) => `  ${r.ok ? ' ' : '✘'} ${r.what.padEnd(52)} ${r.metric.padEnd(14)} ${r.value.toExponential(2).padStart(10)}   ${r.limit}`);
  console.log(`\nOAENet parity on ${gpu().info.adapterName} (${rows.length} checks; ${times.join(', ')}):\n${lines.join('\n')}`);
  model224.dispose();
});

parity.run();

// ---- checkpoints ------------------------------------------------------------------------------------------

const ckpt = suite('OAENet checkpoints');
let tmp: string;

ckpt.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'oaenet-ckpt-'));
});

ckpt.after(async () => {
  await rm(tmp, { recursive: true, force: true });
  model64.dispose();
});

/** Eval logits of the 64-px eval inputs. */
async function logits64(m: OAENet): Promise<Float32Array> {
  const inputs = spec.eval_64.inputs;
  const [image, attn] = [tensor(inputs.image!), tensor(inputs.attn_input!)];
  m.eval();
  const { logits } = noGrad(() => m.forward(image, attn));
  const out = await logits.readF32();
  for (const t of [image, attn, logits]) t.dispose();
  return out;
}

ckpt('save → load into a fresh model: identical state, counters and eval logits', async () => {
  // Fixture weights plus one train-mode forward: non-trivial running statistics and counters = 1.
  loadStateEntries(model64, weights);
  model64.train();
  const inputs = spec.eval_64.inputs;
  const [image, attn] = [tensor(inputs.image!), tensor(inputs.attn_input!)];
  const out = noGrad(() => model64.forward(image, attn));
  for (const t of [image, attn, ...Object.values(out)]) t.dispose();

  const path = join(tmp, 'model.safetensors');
  await saveCheckpoint(model64, path);
  const { entries, metadata } = await readSafetensorsFile(path);
  assert.equal([...entries.keys()].sort(), spec.state_dict_keys.map((d) => d.key).sort());
  assert.is(metadata.format, 'pt');
  const counter = entries.get('backbone.features.17.1.num_batches_tracked')!;
  assert.equal([counter.dtype, counter.shape, toFloat64(counter)[0]], ['I64', [], 1]);

  const fresh = new OAENet({ numClasses: spec.num_classes, inputSize: 64, seed: 1 });
  await loadCheckpoint(fresh, path);
  const bns = [...namedModules(fresh).values()].filter((m) => m instanceof TrackedBatchNorm2d);
  assert.is(bns.length, 77);
  assert.ok(bns.every((m) => m.numBatchesTracked === 1), 'counters restored');
  assert.equal(await logits64(fresh), await logits64(model64));
  fresh.dispose();
});

ckpt('import ignores attention_branch.base_model.*', async () => {
  const entries = await stateEntries(model64);
  entries.set('attention_branch.base_model.conv1.weight', { dtype: 'F32', shape: [2], data: new Uint8Array(8) });
  const path = join(tmp, 'with-base-model.safetensors');
  await writeSafetensorsFile(path, entries);
  const fresh = new OAENet({ numClasses: spec.num_classes, inputSize: 64, seed: 2 });
  await loadCheckpoint(fresh, path);
  assert.equal(await logits64(fresh), await logits64(model64));
  fresh.dispose();
});

/** Loading `entries` from a file fails with one line naming `key`. */
async function assertLoadError(entries: Map<string, Entry>, key: string, mentions: string): Promise<void> {
  const path = join(tmp, 'bad.safetensors');
  await writeSafetensorsFile(path, entries);
  try {
    await loadCheckpoint(model64, path);
  } catch (e) {
    const msg = (e as Error).message;
    assert.not.match(msg, '\n', 'one line');
    assert.match(msg, key);
    assert.match(msg, mentions);
    return;
  }
  assert.unreachable(`loading without ${key} succeeded`);
}

ckpt('a wrong shape or a missing key is a one-line error naming the key', async () => {
  const entries = await stateEntries(model64);
  const wrong = new Map(entries).set('classifier.bias', { dtype: 'F32', shape: [8], data: new Uint8Array(32) });
  await assertLoadError(wrong, '"classifier.bias"', '[8]');
  const missing = new Map(entries);
  missing.delete('attention_branch.layer5.up.weight');
  await assertLoadError(missing, '"attention_branch.layer5.up.weight"', 'missing');
});

ckpt.run();
