import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';

/** Write a file so that it is either complete or absent: temp file, (fsync), rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, fsync = true): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    if (fsync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
