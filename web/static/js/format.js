// Pure formatting helpers: sizes, durations, file names, error text.

const NAMED_SIZES = { '256x256': 'Small', '512x512': 'Medium', '1024x1024': 'Large' };

/** "256x256" -> "Small (256×256)"; "768x512" -> "768×512 landscape". */
export function sizeLabel(size) {
  const [w, h] = size.split('x').map(Number);
  const dims = `${w}×${h}`;
  if (NAMED_SIZES[size]) return `${NAMED_SIZES[size]} (${dims})`;
  if (w > h) return `${dims} landscape`;
  if (w < h) return `${dims} portrait`;
  return `${dims} square`;
}

/** Seconds as a stopwatch: 7 -> "0:07", 3725 -> "1:02:05". */
export function stopwatch(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A wait in seconds as "in 42 seconds" / "in 58 minutes (at 17:42)". */
export function waitText(seconds, now = Date.now()) {
  if (seconds < 60) return `in ${plural(Math.max(1, seconds), 'second')}`;
  const at = new Date(now + seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `in ${plural(minutes, 'minute')} (at ${at})`;
  return `in ${plural(Math.round(minutes / 60), 'hour')} (at ${at})`;
}

/** The text to show for an ApiError; 429 and 503 also say when to retry. */
export function errorText(error) {
  const message = error && error.message ? error.message : 'Something went wrong.';
  if ((error.status === 429 || error.status === 503) && error.retryAfter !== null) {
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    return `${sentence} You can try again ${waitText(error.retryAfter)}.`;
  }
  return message;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Unix seconds -> "2 minutes ago" / "in 23 hours". */
export function relativeTime(unixSeconds, now = Date.now()) {
  const diff = unixSeconds - now / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return relative.format(0, 'second');
  if (abs < 3600) return relative.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(diff / 3600), 'hour');
  return relative.format(Math.round(diff / 86400), 'day');
}

/** A download file name from the prompt: "a-red-sunset-over-the-ocean.png". */
export function downloadName(prompt, url, index = 0, count = 1) {
  const slug = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  const match = /\.(png|jpe?g|webp)(?:[?#]|$)/i.exec(url);
  const ext = match ? match[1].toLowerCase() : 'png';
  const suffix = count > 1 ? `-${index + 1}` : '';
  return `${slug || 'aigen-image'}${suffix}.${ext}`;
}

export const STATUS_TEXT = {
  queued: 'Queued',
  running: 'Generating',
  succeeded: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

export const isFinished = (status) => status === 'succeeded' || status === 'failed' || status === 'canceled';
