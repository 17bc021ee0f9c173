/**
 * Names for prepared statements on PostgreSQL. A named statement is parsed and planned once per
 * connection (`pg` prepares it on first use and reuses it after), where an unnamed one is parsed and
 * planned on every call: for the statements a send costs, planning took most of their time in the
 * database. Each distinct statement text gets its own name the first time it is seen, up to
 * `limit` texts; texts seen after that go unnamed (an empty name), so that statements whose text
 * varies with their input cannot grow every connection's statement cache without end.
 */
export function statementNamer(limit: number): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit) return '';
    const name = `trellis_${names.size + 1}`;
    names.set(sql, name);
    return name;
  };
}
