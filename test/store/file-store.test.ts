import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { finishBlobUpload, finishUpload, putOriginal } from '../../src/store/file-store.js';
import type { FileRecord } from '../../src/store/schema.js';
import { randomId } from '../../src/core/crypto.js';

const record = (fileId: string, status: FileRecord['status']): FileRecord => ({
  fileId, name: 'plan.bin', size: 3, type: '', sha256: '', key: '', chunkSize: 3, chunkCount: 1,
  channelId: 'c', messageId: 'm', author: 'me', direction: 'out', doneChunks: 0, status, error: '',
});

describe('file store', () => {
  it('an upload that finishes after its file was deleted (failed) stays failed', async () => {
    const db = await openMeshdropDB(`md-files-${randomId(6)}`);
    for (const finish of [finishUpload, finishBlobUpload]) {
      const fileId = randomId(16);
      await db.put('files', { ...record(fileId, 'failed'), error: 'This file was deleted.' });
      await putOriginal(db, fileId, new Blob(['abc']));
      await finish(db, fileId);
      const after = await db.get('files', fileId);
      expect(after?.status).to.equal('failed');
      expect(after?.error).to.equal('This file was deleted.');
      expect(after?.blob).to.equal(undefined);
    }
    // An upload still under way finishes as sent.
    const live = randomId(16);
    await db.put('files', record(live, 'uploading'));
    await finishUpload(db, live);
    expect((await db.get('files', live))?.status).to.equal('sent');
    db.close();
  });
});
