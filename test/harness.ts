// The tests' uvu, with every suite hook guarded: uvu 0.5 swallows an exception thrown in a `before`
// hook (the suite just shows fewer passes, in green), so each hook records its error here for the
// runner to print and fail on. Test files import { test, suite } from here, not from 'uvu'.

import * as uvu from 'uvu';

export interface HookError {
  suite: string;
  hook: string;
  error: unknown;
}

/** Errors thrown by hooks, in order; the runner drains it after each file. */
export const hookErrors: HookError[] = [];

type Callback<T> = uvu.Callback<T>;

function guarded<T>(suite: string, hook: string, fn: Callback<T>): Callback<T> {
  return async (ctx) => {
    try {
      await fn(ctx);
    } catch (error) {
      hookErrors.push({ suite, hook, error });
      throw error;
    }
  };
}

function guard<T>(t: uvu.Test<T>, name: string): uvu.Test<T> {
  for (const kind of ['before', 'after'] as const) {
    const hook = t[kind];
    const wrapped = ((fn: Callback<T>) => hook(guarded(name, kind, fn))) as uvu.Test<T>['before'];
    wrapped.each = (fn) => hook.each(guarded(name, `${kind}.each`, fn));
    t[kind] = wrapped;
  }
  return t;
}

export const test = guard(uvu.test, '');
export const suite = <T = Record<string, unknown>>(name: string, context?: T): uvu.Test<T> => guard(uvu.suite(name, context), name);
