import t from 'tap';
import { createContactStage } from '../stages/contact.ts';
import { screenWith } from './helpers.ts';

const stage = createContactStage();
/** `category:rule@original characters` for each finding. */
const hits = (text: string): string[] =>
  screenWith(stage, text).findings.map((f) => `${f.category}:${f.rule.split(':')[0]}@${f.span ? text.slice(f.span.start, f.span.end) : ''}`);
const contactOf = (text: string): string[] => hits(text).filter((h) => h.startsWith('contact:'));

t.test('phone numbers in any disguise, spans on the original digits', async (t) => {
  t.same(contactOf('call me at 555-013-4567'), ['contact:phone@555-013-4567']);
  t.same(contactOf('my cell (555) 013 4567 ok'), ['contact:phone@555) 013 4567']);
  t.same(contactOf('+1 555.013.4567'), ['contact:phone@1 555.013.4567']);
  t.same(contactOf('5550134567'), ['contact:phone@5550134567']);
  t.same(contactOf('five five five zero one three four'), ['contact:phone@five five five zero one three four']);
  t.same(contactOf('555 oh one three four five six'), ['contact:phone@555 oh one three four five six']);
  t.same(contactOf('5 5 5 1 2 3 4'), ['contact:phone@5 5 5 1 2 3 4']);
  t.same(contactOf('555 one two 3 4 five six'), ['contact:phone@555 one two 3 4 five six']);
  t.same(contactOf('call ٥٥٥ ٠١٣ ٤٥٦٧'), ['contact:phone@٥٥٥ ٠١٣ ٤٥٦٧'], 'Arabic-Indic digits');
  t.same(contactOf('５５５０１３４５６７'), ['contact:phone@５５５０１３４５６７'], 'fullwidth digits');
  t.same(contactOf('5\u200b5\u200b5 0134'), ['contact:phone@5\u200b5\u200b5 0134'], 'zero-width spaces');
});

t.test('ordinary school numbers are not phone numbers', async (t) => {
  for (const text of [
    'Grade 11 in 2024, page 45 at 3:30', 'class of 2024 2025 2026', 'due 11/24/2026 or 11.24.2026', 'we won 21-14',
    'I scored 1450 on the SAT and a 34 on the ACT', 'the grant was $1,000,000', 'grades 9 10 11 12', 'room 204 at 3 30',
    'I have one or two questions about chapter 3', 'GPA 3.85 out of 4.0', 'call the front office at extension 4412',
  ]) {
    t.same(hits(text), [], text);
  }
});

t.test('emails, spelled-out emails, links and handles', async (t) => {
  t.same(contactOf('write to jane.doe@gmail.com.'), ['contact:email@jane.doe@gmail.com']);
  t.same(contactOf('jane at gmail dot com'), ['contact:email@jane at gmail dot com']);
  t.same(contactOf('jane [at] gmail [dot] com'), ['contact:email@jane [at] gmail [dot] com']);
  t.same(contactOf('jane at yahoo.com'), ['contact:email@jane at yahoo.com']);
  t.same(hits('look at collegeboard.org for dates'), ['link:link@collegeboard.org']);
  t.same(hits('see https://www.example.com/jobs?id=1.'), ['link:link@https://www.example.com/jobs?id=1']);
  t.same(hits('snapchat dot com'), ['link:link@snapchat dot com']);
  t.same(contactOf('follow @maya_k22'), ['contact:handle@@maya_k22']);
  t.same(hits('e.g. the node.js docs, i.e. Mr. Smith'), []);
});

t.test('platforms with intent phrases', async (t) => {
  t.same(hits('add me on snap maya_k22'), ['contact:handle@maya_k22', 'off-platform:intent@add me on', 'off-platform:ambiguous@snap']);
  t.same(screenWith(stage, 'hmu on insta').findings.map((f) => f.severity), ['high', 'high']);
  t.same(hits('we use a signal generator in the lab'), [], 'an ambiguous platform alone is nothing');
  t.same(hits('I saw on Instagram that your company is hiring'), [], 'a platform alone is nothing');
  t.same(hits('my phone died, sorry'), []);
  t.same(hits('add me on snapchat, it\'s coach_j99'), ['contact:handle@coach_j99', 'off-platform:intent@add me on', 'off-platform:platform@snapchat']);
  t.same(hits('snapchat: maya_k22'), ['contact:handle@maya_k22', 'off-platform:platform@snapchat'], 'a platform with a username');
  t.same(hits('my number is 555 013 4567'), ['contact:phone@555 013 4567', 'off-platform:intent@my number is']);
  t.same(hits('lets talk on d1scord'), ['off-platform:intent@lets talk on', 'off-platform:platform@d1scord']);
  t.same(hits('lets talk on d|scord'), ['off-platform:intent@lets talk on', 'off-platform:platform@d|scord'], 'an ambiguous second letter is read both ways');
  t.same(hits('Let us meet in the library during the supervised session'), []);
});

t.test('handles without digits, platform questions, spaced letters, split phone numbers', async (t) => {
  t.same(contactOf('my snap is skaterboy'), ['contact:handle@skaterboy'], 'any word after my snap is');
  t.same(contactOf('my insta is private, sorry'), [], 'an ordinary word is no handle');
  t.same(contactOf('my number is unlisted'), [], 'only after naming an account');
  t.same(hits('do you have discord?'), ['off-platform:intent@do you have discord']);
  t.same(hits('do you have experience with Python?'), []);
  t.same(hits('a d d  m e  o n  s n a p').map((h) => h.split('@')[0]), ['off-platform:intent', 'off-platform:ambiguous']);
  t.same(contactOf('five five five, two one two, nine nine eight seven'), ['contact:phone@five five five, two one two, nine nine eight seven']);
  t.same(contactOf('5five5 2oh1 99eight8'), ['contact:phone@5five5 2oh1 99eight8']);
  t.same(contactOf('scores 85, 90, 78, 92, 88'), [], 'commas separate only spelled digits');
});
