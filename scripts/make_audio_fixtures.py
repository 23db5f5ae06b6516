#!/usr/bin/env python3
"""Reference log-mel spectrograms for test/audio_torchaudio.test.ts, from torchaudio 0.13 (Debian's
python3-torchaudio).

Writes test/fixtures/audio/:
- word.wav: the word "seven" from espeak-ng at 16 kHz (sox), a real speech clip (committed).
- logmel.json: per case, the signal (word.wav, or a named formula the test evaluates the same
  way, in float32), the options, and torchaudio's MelSpectrogram (power 2, centred, reflect padding) followed by
  AmplitudeToDB('power', top_db=80), shape [n_mels, frames], row-major.

Cases: dlflow's audio-folder features (n_fft 512, hop 256, 40 mels, Slaney scale and norm) on the
word and on a two-tone signal; torchaudio's own defaults (HTK scale, no norm) with a window
shorter than the FFT, fMin/fMax, on a chirp at 22.05 kHz.

Run: /usr/bin/python3 scripts/make_audio_fixtures.py   (needs espeak-ng and sox for word.wav)
"""
import json
import math
import os
import subprocess
import tempfile

import torch
import torchaudio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'audio')


def word_wav(path):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'raw.wav')
        subprocess.run(['espeak-ng', '-v', 'en-us', '-s', '150', '-w', raw, 'seven'], check=True)
        subprocess.run(['sox', raw, '-r', '16000', '-c', '1', '-b', '16', path, 'trim', '0', '0.8'], check=True)


def logmel(signal, o):
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=o['sampleRate'], n_fft=o['nFft'], win_length=o.get('winLength', o['nFft']), hop_length=o['hop'],
        f_min=o.get('fMin', 0.0), f_max=o.get('fMax'), n_mels=o['nMels'], power=2.0, center=True, pad_mode='reflect',
        norm=o['norm'], mel_scale=o['scale']).to(torch.float64)
    to_db = torchaudio.transforms.AmplitudeToDB(stype='power', top_db=80)
    # the float32 signal dlflow reads, computed in float64 as dlflow's STFT does
    return to_db(mel(signal.to(torch.float32).to(torch.float64).unsqueeze(0)))[0]


def main():
    os.makedirs(OUT, exist_ok=True)
    wav = os.path.join(OUT, 'word.wav')
    if not os.path.exists(wav):
        word_wav(wav)
    word, rate = torchaudio.load(wav)
    # tones: 0.5 sin(2π 440 t) + 0.25 sin(2π 1320 t + 0.3), 8000 samples at 16 kHz
    t = torch.arange(8000, dtype=torch.float64) / 16000
    tones = 0.5 * torch.sin(2 * math.pi * 440 * t) + 0.25 * torch.sin(2 * math.pi * 1320 * t + 0.3)
    # chirp: 0.8 sin(2π (100 t + 2000 t²)), 100 Hz rising 4 kHz a second, 11025 samples at 22.05 kHz
    t2 = torch.arange(11025, dtype=torch.float64) / 22050
    chirp = 0.8 * torch.sin(2 * math.pi * (100 * t2 + 2000 * t2 * t2))
    dlflow = {'nFft': 512, 'hop': 256, 'nMels': 40, 'scale': 'slaney', 'norm': 'slaney'}
    cases = [
        {'name': 'spoken word, dlflow audio-folder features', 'wav': 'word.wav', 'options': {**dlflow, 'sampleRate': rate}, 'signal': word[0]},
        {'name': 'two tones, dlflow audio-folder features', 'options': {**dlflow, 'sampleRate': 16000}, 'signal': tones, 'formula': 'tones'},
        {'name': 'chirp, torchaudio defaults (htk, no norm), short window, fMin/fMax',
         'options': {'sampleRate': 22050, 'nFft': 1024, 'winLength': 800, 'hop': 200, 'nMels': 64, 'fMin': 30.0, 'fMax': 8000.0, 'scale': 'htk', 'norm': None},
         'signal': chirp, 'formula': 'chirp'},
    ]
    out = []
    for c in cases:
        spec = logmel(c['signal'], c['options'])
        entry = {'name': c['name'], 'options': c['options'], 'shape': list(spec.shape), 'logmel': [round(float(v), 5) for v in spec.flatten()]}
        if 'wav' in c:
            entry['wav'] = c['wav']
        else:
            entry['formula'] = c['formula']
            entry['samples'] = int(c['signal'].numel())
        out.append(entry)
    with open(os.path.join(OUT, 'logmel.json'), 'w') as f:
        json.dump({'torchaudio': torchaudio.__version__, 'cases': out}, f)
    print('wrote', os.path.join(OUT, 'logmel.json'))


if __name__ == '__main__':
    main()
