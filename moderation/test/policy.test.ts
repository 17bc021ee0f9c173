import t from 'tap';
import { createRuleScreener } from '../pipeline.ts';
import { PolicyError, defaultPolicy, parsePolicy, redact, type ProgramPolicy } from '../policy.ts';
import type { Role } from '../types.ts';
import { request } from './helpers.ts';

// A still clock: these tests are about the policy, not about stage budgets on a busy machine.
const still = (): number => 0;
const screener = createRuleScreener({ policyFor: () => defaultPolicy, now: still });
const mentorToStudent = { senderRole: 'mentor' as Role, recipientRoles: ['student' as Role] };
const studentToMentor = { senderRole: 'student' as Role, recipientRoles: ['mentor' as Role] };
t.teardown(() => screener.close());

t.test('defaults for minors', async (t) => {
  const contact = await screener.screen(request('text me at 555 013 4567', studentToMentor));
  t.equal(contact.action, 'redact', 'contact details from anyone are redacted');
  t.same(contact.spans.map((s) => 'text me at 555 013 4567'.slice(s.start, s.end)), ['555 013 4567']);

  const grooming = await screener.screen(request("don't tell your parents we talked", mentorToStudent));
  t.equal(grooming.action, 'hold');
  t.equal(grooming.alert?.severity, 'critical');

  const meeting = await screener.screen(request('meet me alone after school', mentorToStudent));
  t.equal(meeting.action, 'hold');
  t.equal(meeting.alert?.severity, 'critical');

  const crisis = await screener.screen(request('i want to kill myself', studentToMentor));
  t.equal(crisis.action, 'deliver', 'the student is heard');
  t.equal(crisis.alert?.severity, 'critical');
  t.same(crisis.categories, ['crisis']);

  const profanity = await screener.screen(request('this is bullsh1t', studentToMentor));
  t.equal(profanity.action, 'redact');
  t.equal(redact('this is bullsh1t', profanity.spans), 'this is ••••••••');

  const slur = await screener.screen(request('you f@ggot', studentToMentor));
  t.equal(slur.action, 'block');

  const clean = await screener.screen(request("Let's meet in the library during the supervised session to go over your résumé.", mentorToStudent));
  t.same([clean.action, clean.severity, clean.alert], ['deliver', 'none', null]);
});

t.test('redaction masks exactly the original characters', async (t) => {
  const text = 'my number is ٥٥٥ ٠١٣ ٤٥٦٧ ok? and f\u200bu\u200bck';
  const result = await screener.screen(request(text, studentToMentor));
  t.equal(redact(text, result.spans), 'my number is •••••••••••• ok? and ••••••');
  t.equal(redact('abc', []), 'abc');
});

t.test('parsePolicy completes a partial policy and checks it', async (t) => {
  const policy = parsePolicy({ modelThresholds: { toxic: 0.9 }, allowedDomains: ['collegeboard.org'] });
  t.equal(policy.modelThresholds.toxic, 0.9);
  t.equal(policy.modelThresholds.threat, defaultPolicy.modelThresholds.threat);
  t.same(parsePolicy({}).rules, defaultPolicy.rules);
  t.throws(() => parsePolicy({ rules: [{ categories: ['contact'], action: 'nuke' }] }), new PolicyError('policy.rules[0].action', 'expected one of deliver, flag, redact, hold, block'));
  t.throws(() => parsePolicy({ modelThresholds: { toxic: 2 } }), /^policy\.modelThresholds\.toxic: expected number/);
  t.throws(() => parsePolicy({ rulez: [] }), /policy\.rulez: unexpected property/);
  t.throws(() => parsePolicy({ rules: [{ categories: ['x'], action: 'flag', senderRoles: ['parent'] }] }), /policy\.rules\[0\]\.senderRoles\[0\]: expected one of student, mentor/);
  t.throws(() => parsePolicy('nope'), /^policy: expected object/);
});

t.test('program rules come first; allowed domains raise nothing', async (t) => {
  const custom: ProgramPolicy = parsePolicy({
    rules: [{ categories: ['contact'], senderRoles: ['coordinator'], action: 'deliver' }],
    allowedDomains: ['collegeboard.org'],
  });
  const program = createRuleScreener({ policyFor: (id) => (id === 'custom' ? custom : defaultPolicy), now: still });
  t.teardown(() => program.close());
  const fromCoordinator = { programId: 'custom', senderRole: 'coordinator' as Role, recipientRoles: ['student' as Role] };
  t.equal((await program.screen(request('call the office at 555 013 4567', fromCoordinator))).action, 'deliver');
  t.equal((await program.screen(request('call the office at 555 013 4567', { ...fromCoordinator, programId: 'other' }))).action, 'redact');
  const link = await program.screen(request('dates are on sat.collegeboard.org', { ...mentorToStudent, programId: 'custom' }));
  t.same([link.action, link.findings], ['deliver', []]);
  t.equal((await program.screen(request('dates are on example.com', { ...mentorToStudent, programId: 'custom' }))).action, 'flag');
});
