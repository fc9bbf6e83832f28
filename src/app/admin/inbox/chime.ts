"use client";

// A short two-note chime made with WebAudio, so the console ships no sound file.

let context: AudioContext | null = null;

/** Browsers start audio only after a user gesture: call this from one (a click, a key) so later chimes can play. */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
  } catch {
    // no WebAudio: the chime is a nicety
  }
}

export function playChime(): void {
  try {
    context ??= new AudioContext();
    const start = context.currentTime + 0.01;
    for (const [i, frequency] of [880, 1318.5].entries()) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      const at = start + i * 0.13;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.45);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.5);
    }
  } catch {
    // no WebAudio, or audio not allowed yet
  }
}
