// Small DOM helpers the app's modules share: element lookup, element building, a status line, and the
// message shown for an error.

import { UserError } from '../errors.js';
import { SafetensorsError } from '../safetensors/errors.js';

/** The element with this id; a missing one is a bug in the page, not the user's doing. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & {
  dataset?: Record<string, string>;
  style?: string;
};

/** document.createElement with properties (style as CSS text) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { dataset, style, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(e.dataset, dataset);
  if (style) e.style.cssText = style;
  e.append(...children);
  return e;
}

/**
 * One line of text for the user: the message of an error about their input (a UserError, a damaged model
 * file) as it is; anything else is a bug, its first line shown and the whole kept in the console.
 */
export function describeError(e: unknown): string {
  if (e instanceof UserError || e instanceof SafetensorsError) return e.message;
  console.error(e);
  return `unexpected error: ${(e instanceof Error ? e.message : String(e)).split(/\r?\n/)[0]} (details in the browser console)`;
}

/** A status line: plain, busy (with a spinner) or an error. */
export function setStatus(line: HTMLElement, text: string, kind: 'info' | 'busy' | 'error' | 'warn' = 'info'): void {
  line.textContent = text;
  line.className = `status ${kind}`;
}

export const fmtMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export const fmtBytes = (n: number): string => (n < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`);

export const pct = (v: number, digits = 1): string => `${(100 * v).toFixed(digits)}%`;
