import t from 'tap';
import { statementNamer } from '../server/db/statement-names.ts';

t.test('each statement text keeps one name; texts past the limit go unnamed', async (t) => {
  const nameOf = statementNamer(2);
  const first = nameOf({ sql: 'SELECT 1' });
  const second = nameOf({ sql: 'SELECT 2' });
  t.not(first, '');
  t.not(second, '');
  t.not(first, second, 'different texts, different names');
  t.equal(nameOf({ sql: ['SELECT', '1'].join(' ') }), first, 'the same text, built anew, gets its name back');
  t.equal(nameOf({ sql: 'SELECT 3' }), '', 'a third text is past the limit');
  t.equal(nameOf({ sql: 'SELECT 2' }), second, 'named texts keep their names');
});
