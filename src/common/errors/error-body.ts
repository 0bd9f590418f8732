import { STATUS_CODES } from 'node:http';

export interface ErrorBody {
  error: string;
  details: unknown;
}

export function errorBody(error: string, details: unknown): ErrorBody {
  return { error, details };
}

export function errorForStatus(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
