/** Who writes to whom, and severity steps: shared by the stages and the policy. */
import { SEVERITIES, type Role, type ScreeningRequest, type Severity } from './types.ts';

/** Every role. */
export const ROLES: readonly Role[] = ['student', 'mentor', 'coordinator', 'admin'];

/** Roles of adults in a program. */
export const ADULT_ROLES: readonly Role[] = ['mentor', 'coordinator', 'admin'];

/** Whether the request goes from an adult to a student. */
export function adultToStudent(request: Pick<ScreeningRequest, 'senderRole' | 'recipientRoles'>): boolean {
  return ADULT_ROLES.includes(request.senderRole) && request.recipientRoles.includes('student');
}

/** One severity step up, capped at critical. */
export function raise(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)] as Severity;
}

/** The more serious of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}
