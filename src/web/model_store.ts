// The user's last model choice, remembered across visits in IndexedDB (a 45 MB file is fine there):
// the bytes, so a model opened from disk needs no second pick, with its name and origin.

export interface StoredModel {
  name: string;
  origin: string;
  bytes: Uint8Array;
}

const DB = 'oaenet-app';
const STORE = 'models';
const KEY = 'last';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

async function transact<R>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<R>): Promise<R> {
  const db = await open();
  try {
    return await new Promise<R>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

export const rememberModel = (m: StoredModel): Promise<unknown> => transact('readwrite', (s) => s.put(m, KEY));

export async function recallModel(): Promise<StoredModel | null> {
  const m = (await transact('readonly', (s) => s.get(KEY))) as StoredModel | undefined;
  return m && typeof m.name === 'string' && m.bytes instanceof Uint8Array ? m : null;
}

export const forgetModel = (): Promise<unknown> => transact('readwrite', (s) => s.delete(KEY));
