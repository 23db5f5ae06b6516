/**
 * The NIfTI reader (src/data/sources/nifti.ts) against nibabel: the fixtures of
 * scripts/make_nifti_fixtures.py hold what nibabel's get_fdata() reads from each file. Damaged,
 * truncated, unsupported and huge-header files are DataErrors naming the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError } from '../src/data/errors.js';
import { parseNifti, readNifti } from '../src/data/sources/nifti.js';

const DIR = 'test/fixtures/nifti';
interface Fixture { format: string; datatype: string; littleEndian: boolean; nibabelShape: number[]; slope: number; inter: number; values: number[] }
const INDEX = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Record<string, Fixture>;
const scratch = mkdtempSync(join(tmpdir(), 'dlflow-nifti-'));

/** Largest |got − want| relative to max(1, |want|): float32 storage of nibabel's float64 values. */
function maxRelativeError(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  return worst;
}

/** The int16 fixture (NIfTI-1, little-endian, 5×4×3 from byte 352) with header fields changed. */
function patchedInt16(edit: (view: DataView) => void): Buffer {
  const bytes = Buffer.from(readFileSync(join(DIR, 'int16_scaled.nii')));
  edit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return bytes;
}

/** Writes `bytes` to a scratch file and expects reading it to be a DataError naming it, with a message matching `reason`. */
function refused(name: string, bytes: Uint8Array, reason: RegExp): void {
  const file = join(scratch, name);
  writeFileSync(file, bytes);
  assert.throws(() => readNifti(file), (e: unknown) => {
    assert.ok(e instanceof DataError, `a DataError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.match(e.message, reason);
    return true;
  });
}

describe('NIfTI reader against nibabel', () => {
  for (const [name, want] of Object.entries(INDEX)) {
    test(`${name}: ${want.format} ${want.datatype} ${want.littleEndian ? 'little' : 'big'}-endian, slope ${want.slope} inter ${want.inter}`, () => {
      const v = readNifti(join(DIR, name));
      const [i, j, k, channels = 1] = want.nibabelShape;
      assert.deepEqual(v.shape, [channels, i, j, k]);
      assert.equal(v.dtype, want.datatype);
      assert.equal(v.format, want.format);
      assert.ok(v.data instanceof Float32Array);
      assert.ok(maxRelativeError(v.data, want.values) <= 1e-6, `values differ from nibabel's by ${maxRelativeError(v.data, want.values)}`);
    });
  }

  test('the brief\'s two files: int16 .nii and float32 .nii.gz, both with a scale slope', () => {
    assert.equal(INDEX['int16_scaled.nii'].datatype, 'int16');
    assert.notEqual(INDEX['int16_scaled.nii'].slope, 1);
    assert.equal(INDEX['float32_4d_scaled.nii.gz'].datatype, 'float32');
    assert.notEqual(INDEX['float32_4d_scaled.nii.gz'].slope, 1);
    // gzip is recognised by its magic bytes: the same image decompressed reads the same
    const gz = readFileSync(join(DIR, 'float32_4d_scaled.nii.gz'));
    assert.deepEqual(parseNifti(gunzipSync(gz), 'plain.nii').data, readNifti(join(DIR, 'float32_4d_scaled.nii.gz')).data);
  });

  test('scl_slope 0 means no scaling (nibabel\'s rule): the stored integers come back', () => {
    const raw = patchedInt16((v) => v.setFloat32(112, 0, true));
    const want = INDEX['int16_scaled.nii'];
    const v = parseNifti(raw, 'unscaled.nii');
    assert.deepEqual(Array.from(v.data.subarray(0, 4)), want.values.slice(0, 4).map((x) => (x - want.inter) / want.slope));
  });
});

describe('NIfTI reader: damaged and unsupported files are DataErrors naming the file', () => {
  const good = readFileSync(join(DIR, 'int16_scaled.nii'));
  const goodGz = readFileSync(join(DIR, 'float32_4d_scaled.nii.gz'));

  test('truncated files', () => {
    refused('short_data.nii', good.subarray(0, good.length - 10), /truncated NIfTI file: the header describes 1×5×4×3 int16 voxels from byte 352 \(472 bytes\), the file has 462/);
    refused('short_header.nii', good.subarray(0, 200), /truncated NIfTI header: 200 of its 348 bytes/);
    refused('three_bytes.nii', good.subarray(0, 3), /truncated NIfTI file: 3 bytes/);
    refused('short.nii.gz', goodGz.subarray(0, goodGz.length - 30), /truncated or damaged gzip data: unexpected end of file/);
    // the gzip stream is whole but holds less than the header describes
    refused('short_inside.nii.gz', gzipSync(gunzipSync(goodGz).subarray(0, 400)), /truncated NIfTI file: .* the decompressed file has 400/);
  });

  test('a header claiming more than the file holds is refused before allocating', () => {
    // 30000³ voxels: more than any file dlflow reads
    refused('huge.nii', patchedInt16((v) => { v.setInt16(42, 30000, true); v.setInt16(44, 30000, true); v.setInt16(46, 30000, true); }), /describes 27000000000000 voxels .* more than dlflow reads from one file/);
    // 600³ int16 (432 MB) in a gzip file of a few hundred bytes
    const huge = gzipSync(patchedInt16((v) => { v.setInt16(42, 600, true); v.setInt16(44, 600, true); v.setInt16(46, 600, true); }));
    refused('huge.nii.gz', huge, new RegExp(`describes 432000352 bytes, more than a gzip file of ${huge.length} bytes can hold`));
    // 500³ int16 claimed by a plain file of 472 bytes
    refused('claims.nii', patchedInt16((v) => { v.setInt16(42, 500, true); v.setInt16(44, 500, true); v.setInt16(46, 500, true); }), /truncated NIfTI file: .* \(250000352 bytes\), the file has 472/);
  });

  test('headers that are not NIfTI, or make no sense', () => {
    refused('png.nii', Buffer.from('\x89PNG\r\n\x1a\n' + 'x'.repeat(400), 'latin1'), /not a NIfTI file \(sizeof_hdr/);
    refused('magic.nii', patchedInt16((v) => v.setUint8(345, 'x'.charCodeAt(0))), /not a NIfTI file \(magic "nx1\\u0000"/);
    refused('pair.nii', patchedInt16((v) => v.setUint8(345, 'i'.charCodeAt(0))), /a \.hdr\/\.img pair/);
    refused('rank0.nii', patchedInt16((v) => v.setInt16(40, 0, true)), /dim\[0\] \(the number of dimensions\) is 0/);
    refused('zero_dim.nii', patchedInt16((v) => v.setInt16(44, 0, true)), /dimensions \[5, 0, 3\]/);
    refused('negative_dim.nii', patchedInt16((v) => v.setInt16(46, -3, true)), /dimensions \[5, 4, -3\]/);
    refused('offset.nii', patchedInt16((v) => v.setFloat32(108, 100, true)), /vox_offset 100 is inside the 348-byte header/);
    refused('inter.nii', patchedInt16((v) => v.setFloat32(116, Infinity, true)), /scl_slope 0\.5 with an invalid scl_inter Infinity/);
  });

  test('unsupported datatypes and ranks', () => {
    refused('rgb.nii', patchedInt16((v) => v.setInt16(70, 128, true)), /unsupported NIfTI datatype RGB24 \(128\); read: uint8, .*float64/);
    refused('code.nii', patchedInt16((v) => v.setInt16(70, 3, true)), /unsupported NIfTI datatype code \(3\)/);
    refused('image2d.nii', patchedInt16((v) => v.setInt16(40, 2, true)), /a volume needs 3 dimensions \(i, j, k\) or 4 \(i, j, k, channels\), found \[5, 4\]/);
    refused('five_d.nii', patchedInt16((v) => { v.setInt16(40, 5, true); v.setInt16(48, 1, true); v.setInt16(50, 2, true); }), /found \[5, 4, 3, 1, 2\]/);
  });

  test('trailing unit dimensions are accepted: [i, j, k, 1, 1] is one channel', () => {
    const v = parseNifti(patchedInt16((view) => { view.setInt16(40, 5, true); view.setInt16(48, 1, true); view.setInt16(50, 1, true); }), 'unit.nii');
    assert.deepEqual(v.shape, [1, 5, 4, 3]);
  });
});
