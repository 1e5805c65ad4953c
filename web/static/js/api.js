// The aigen HTTP API (docs/api.md) behind small async functions.
// Every failure becomes an ApiError carrying the server's message.

export class ApiError extends Error {
  constructor(message, { status = 0, code = 'network_error', retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, or null
  }
}

// Retry-After is either delay-seconds or an HTTP date.
function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.round((when - Date.now()) / 1000));
}

async function readJson(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function messageOf(body, response) {
  const error = body && body.error;
  if (error && typeof error === 'object' && error.message) return String(error.message);
  if (typeof error === 'string' && error) return error;
  if (response.status >= 500) return `The server had a problem (HTTP ${response.status}). Try again later.`;
  return `The request failed (HTTP ${response.status}).`;
}

/** Sends a request; resolves with the parsed JSON body, rejects with ApiError. */
export async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError('Cannot reach the server. Check your connection and try again.');
  }
  const data = await readJson(response);
  if (!response.ok) {
    const code = data && data.error && data.error.code ? data.error.code : `http_${response.status}`;
    throw new ApiError(messageOf(data, response), {
      status: response.status,
      code,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
  }
  return data;
}

const generationPath = (id) => `/api/generations/${encodeURIComponent(id)}`;

export const listBackends = () => request('GET', '/api/backends');
export const createGeneration = (body) => request('POST', '/api/generations', body);
export const getGeneration = (id) => request('GET', generationPath(id));
export const cancelGeneration = (id) => request('DELETE', generationPath(id));
export const getHealth = () => request('GET', '/healthz');
export const generationEventsUrl = (id) => `${generationPath(id)}/events`;
