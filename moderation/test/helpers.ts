/** Builders shared by the moderation tests. */
import { normalise } from '../normalise.ts';
import type { Stage, StageOutput } from '../stage.ts';
import type { Finding, ScreeningRequest } from '../types.ts';

/** A screening request with sensible defaults (a mentor writing to a student). */
export function request(text: string, overrides: Partial<ScreeningRequest> = {}): ScreeningRequest {
  return {
    kind: 'message',
    text,
    programId: 'program-1',
    conversationId: 'conversation-1',
    senderId: 'sender-1',
    senderRole: 'mentor',
    recipientRoles: ['student'],
    priorSignals: [],
    at: new Date('2026-11-24T12:00:00Z'),
    ...overrides,
  };
}

/** Runs a synchronous stage over a text. */
export function screenWith(stage: Stage, text: string, overrides: Partial<ScreeningRequest> = {}, findings: Finding[] = []): StageOutput {
  const output = stage.screen({ request: request(text, overrides), normalised: normalise(text), findings });
  if (output instanceof Promise) throw new Error(`stage ${stage.name} is not synchronous`);
  return output;
}
