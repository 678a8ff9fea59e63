// Parity with PyTorch: every case of ops.json (forward, every gradient, BN running statistics, SGD
// steps) within the fixtures' tolerances. The case list comes from the JSON, so new cases in the same
// format run without code changes; OAENET_TORCH_FIXTURES points at another folder.
// Run alone with `npm run test:parity`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from './harness.js';
import * as assert from 'uvu/assert';
import { gpu } from '../src/kernels/context.js';
import { toFloat32, toInt32, type Entry } from '../src/safetensors/entry.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import * as ops from '../src/graph/ops/index.js';
import { SGD } from '../src/training/optim/sgd.js';
import { fixtureDir } from './fixtures.js';
import { compare, setupGpu } from './util.js';

interface Desc {
  key: string;
  shape: number[];
  dtype: string;
}
interface Case {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, Desc>;
  outputs: Record<string, Desc>;
  grad_out?: Desc;
  grads?: Record<string, Desc>;
}

const dir = fixtureDir('torch', 'OAENET_TORCH_FIXTURES');
const cases: Case[] = JSON.parse(readFileSync(join(dir, 'ops.json'), 'utf8')).cases;
let entries: Map<string, Entry>;

/** The fixtures' recommended tolerances: [rtol, atol relative to max(1, max|b|)]. */
function tolerance(op: string): [number, number] {
  if (['relu', 'relu6', 'max_pool2d', 'cat'].includes(op)) return [0, 0];
  if (op === 'sgd') return [0, 1e-6];
  return [1e-4, 1e-5];
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

type Inputs = Record<string, Tensor>;
type Runner = (x: Inputs, attrs: Record<string, unknown>) => Tensor;

const runners: Record<string, Runner> = {
  conv2d: (x, a) => ops.conv2d(x.x!, x.weight!, x.bias ?? null, { stride: pair(a.stride), padding: pair(a.padding), groups: a.groups as number }),
  conv_transpose2d: (x, a) =>
    ops.convTranspose2d(x.x!, x.weight!, x.bias ?? null, {
      stride: pair(a.stride),
      padding: pair(a.padding),
      outputPadding: pair(a.output_padding ?? 0),
      groups: (a.groups as number) ?? 1,
    }),
  batch_norm2d: (x, a) =>
    ops.batchNorm2d(x.x!, x.weight!, x.bias!, x.running_mean!, x.running_var!, {
      training: a.training as boolean,
      momentum: a.momentum as number,
      eps: a.eps as number,
    }),
  relu: (x) => ops.relu(x.x!),
  relu6: (x) => ops.relu6(x.x!),
  max_pool2d: (x, a) => ops.maxPool2d(x.x!, { kernel: pair(a.kernel)[0], stride: pair(a.stride)[0], padding: pair(a.padding)[0] }),
  adaptive_avg_pool2d: (x) => ops.globalAvgPool(x.x!),
  linear: (x) => ops.linear(x.x!, x.weight!, x.bias ?? null),
  cat: (x) => ops.concat([x.a!, x.b!]),
  add: (x) => ops.add(x.a!, x.b!),
  mul: (x) => ops.mul(x.a!, x.b!),
  fusion: (x) => ops.fusion(x.x!, x.y!),
  upsample_bilinear2d: (x) => ops.upsampleBilinear2x(x.x!),
  cross_entropy: (x) => ops.crossEntropy(x.logits!, x.labels!),
  softmax: (x) => ops.softmax(x.x!),
};

function entry(d: Desc): Entry {
  const e = entries.get(d.key);
  if (!e) throw new Error(`${d.key} missing from ops.safetensors`);
  return e;
}

function load(d: Desc): Tensor {
  const e = entry(d);
  const isInt = e.dtype.startsWith('I') || e.dtype === 'U8';
  return isInt ? Tensor.from(toInt32(e), d.shape, 'i32') : Tensor.from(toFloat32(e), d.shape);
}

interface Row {
  case: string;
  tensor: string;
  maxAbs: number;
  maxRel: number;
  ok: boolean;
}
const rows: Row[] = [];

async function check(name: string, what: string, t: Tensor, d: Desc, op: string): Promise<void> {
  assert.equal([...t.shape], d.shape, `${name}/${what} shape`);
  const [rtol, atol] = tolerance(op);
  const r = compare(await t.read(), toFloat32(entry(d)), rtol, atol);
  rows.push({ case: name, tensor: what, maxAbs: r.maxAbs, maxRel: r.maxRel, ok: r.ok });
  assert.ok(r.ok, `${name}/${what}: max|Δ| ${r.maxAbs.toExponential(2)} exceeds rtol ${rtol} atol ${atol}`);
}

async function runSgd(c: Case): Promise<void> {
  const names = [...new Set(Object.keys(c.inputs).map((k) => k.split('_')[0]!))];
  const params = names.map((p) => load(c.inputs[`${p}_param0`]!).keep());
  const opt = new SGD(params, {
    lr: c.attrs.lr as number,
    momentum: c.attrs.momentum as number,
    dampening: c.attrs.dampening as number,
    weightDecay: c.attrs.weight_decay as number,
    nesterov: c.attrs.nesterov as boolean,
  });
  for (const step of [1, 2]) {
    params.forEach((p, i) => (p.grad = load(c.inputs[`${names[i]}_grad${step}`]!).keep()));
    opt.step();
    for (const [i, p] of params.entries()) {
      await check(c.name, `${names[i]}_param${step}`, p, c.outputs[`${names[i]}_param${step}`]!, 'sgd');
      await check(c.name, `${names[i]}_buf${step}`, opt.state().get(p)!, c.outputs[`${names[i]}_buf${step}`]!, 'sgd');
    }
    opt.zeroGrad();
  }
  for (const p of params) p.dispose();
}

async function runCase(c: Case): Promise<void> {
  if (c.op === 'sgd') return runSgd(c);
  const run = runners[c.op];
  if (!run) throw new Error(`ops.json case ${c.name}: op ${c.op} has no runner in test/ops-parity.test.ts`);
  const inputs: Inputs = {};
  for (const [k, d] of Object.entries(c.inputs)) {
    inputs[k] = load(d).keep();
    if (c.grads?.[k]) inputs[k]!.requiresGrad = true;
  }
  const out = scope(() => run(inputs, c.attrs));
  await check(c.name, 'out', out, c.outputs.out!, c.op);
  for (const [k, d] of Object.entries(c.outputs)) {
    if (k !== 'out') await check(c.name, k, inputs[k.replace(/_updated$/, '')]!, d, c.op);
  }
  if (c.grad_out && c.grads) {
    const seed = load(c.grad_out);
    backward(out, seed);
    seed.dispose();
    for (const [k, d] of Object.entries(c.grads)) {
      const g = inputs[k]!.grad;
      assert.ok(g, `${c.name}: no gradient reached ${k}`);
      await check(c.name, `grad_${k}`, g!, d, c.op);
    }
  }
  out.dispose();
  for (const t of Object.values(inputs)) {
    t.grad?.dispose();
    t.dispose();
  }
}

const parity = suite('ops parity with PyTorch');

parity.before(async () => {
  await setupGpu();
  entries = (await readSafetensorsFile(join(dir, 'ops.safetensors'))).entries;
});

for (const c of cases) parity(c.name, () => runCase(c));

parity.after(() => {
  const name = gpu().info.adapterName;
  const lines = rows.map((r) => `  ${r.ok ? ' ' : '✘'} ${(r.case + '/' + r.tensor).padEnd(52)} max|Δ| ${r.maxAbs.toExponential(2)}  max rel ${r.maxRel.toExponential(2)}`);
  console.log(`\nops parity on ${name} (${rows.length} tensors, ${cases.length} cases):\n${lines.join('\n')}`);
});

parity.run();
