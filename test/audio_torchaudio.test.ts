/**
 * dlflow's log-mel spectrogram against torchaudio 0.13 (fixtures from
 * scripts/make_audio_fixtures.py): MelSpectrogram (power 2, centred, reflect padding) then
 * AmplitudeToDB(top_db 80), on a real spoken word (espeak-ng, read by dlflow's WAV reader and by
 * torchaudio.load), a two-tone signal with the features dlflow's audio folders use (Slaney scale
 * and norm), and a chirp with torchaudio's defaults (HTK scale, no norm), a window shorter than
 * the FFT and a band limit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { logMelSpectrogram, type MelScale } from '../src/data/audio/mel.js';
import { readWav, toMono } from '../src/data/sources/wav.js';
import { ROOT } from './cli_helpers.js';

interface Case {
  name: string;
  wav?: string;
  formula?: 'tones' | 'chirp';
  samples?: number;
  options: { sampleRate: number; nFft: number; winLength?: number; hop: number; nMels: number; fMin?: number; fMax?: number; scale: MelScale; norm: 'slaney' | null };
  shape: [number, number];
  logmel: number[];
}

const DIR = join(ROOT, 'test', 'fixtures', 'audio');
const fixture = JSON.parse(readFileSync(join(DIR, 'logmel.json'), 'utf8')) as { torchaudio: string; cases: Case[] };

/** The script's signals, in float32 as dlflow holds audio. */
function signalOf(c: Case): Float32Array {
  if (c.wav !== undefined) return toMono(readWav(join(DIR, c.wav)).channels);
  const rate = c.options.sampleRate;
  return Float32Array.from({ length: c.samples! }, (_, i) => {
    const t = i / rate;
    return c.formula === 'tones'
      ? 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * 1320 * t + 0.3)
      : 0.8 * Math.sin(2 * Math.PI * (100 * t + 2000 * t * t));
  });
}

for (const c of fixture.cases) {
  test(`log-mel = torchaudio ${fixture.torchaudio}: ${c.name}`, () => {
    const o = c.options;
    const mel = logMelSpectrogram(signalOf(c), {
      sampleRate: o.sampleRate, nFft: o.nFft, winLength: o.winLength, hop: o.hop, nMels: o.nMels, fMin: o.fMin, fMax: o.fMax, scale: o.scale, norm: o.norm,
    });
    assert.deepEqual([mel.nMels, mel.frames], c.shape);
    let worst = 0;
    for (let i = 0; i < c.logmel.length; i++) worst = Math.max(worst, Math.abs(mel.data[i] - c.logmel[i]));
    // dB values of float32 output; torchaudio computed in float64
    assert.ok(worst < 2e-3, `largest difference ${worst} dB`);
  });
}
