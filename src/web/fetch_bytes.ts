// Downloads with progress (the model is 45 MB): bytes as they arrive, against Content-Length when the
// server sends it. Every failure is one line naming the address and the fix.

import { reason, userError } from '../errors.js';

export type Progress = (loaded: number, total: number | null) => void;

async function request(url: string, fix: string): Promise<Response> {
  return fetch(url, { cache: 'no-cache' }).catch((e: unknown) => {
    throw userError(url, `cannot download it (${reason(e)})`, fix);
  });
}

async function body(res: Response, url: string, fix: string, onProgress?: Progress): Promise<Uint8Array> {
  if (!res.ok || !res.body) throw userError(url, `cannot download it (HTTP ${res.status})`, fix);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      chunks.push(r.value);
      loaded += r.value.length;
      onProgress?.(loaded, total);
    }
  } catch (e) {
    throw userError(url, `the download broke off after ${loaded} bytes (${reason(e)})`, fix);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function fetchBytes(url: string, fix: string, onProgress?: Progress): Promise<Uint8Array> {
  return body(await request(url, fix), url, fix, onProgress);
}

/** Like fetchBytes, but null when the server has no such file (404). */
export async function fetchIfPresent(url: string, fix: string, onProgress?: Progress): Promise<Uint8Array | null> {
  const res = await request(url, fix);
  return res.status === 404 ? null : body(res, url, fix, onProgress);
}
