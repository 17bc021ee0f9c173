/**
 * A deterministic generator of realistic mentoring chat lines for benchmarks: templates filled
 * from word pools with a seeded PRNG, a few percent of them unwanted (profanity, contact details,
 * grooming, crisis, in plain and disguised spellings).
 */

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const POOLS: Record<string, readonly string[]> = {
  name: ['Maya', 'Jordan', 'Priya', 'Luis', 'Aisha', 'Tom', 'Mei', 'Omar', 'Grace', 'Diego', 'Sam', 'Noor'],
  company: ['Boeing', 'a local hospital', 'the city water department', 'Microsoft', 'a biotech startup', 'the public library', 'an architecture firm', 'NASA JPL'],
  field: ['mechanical engineering', 'nursing', 'computer science', 'graphic design', 'accounting', 'marine biology', 'electrical engineering', 'teaching'],
  doc: ['résumé', 'cover letter', 'personal statement', 'portfolio', 'LinkedIn summary', 'scholarship essay', 'project report'],
  day: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'next week', 'tomorrow'],
  time: ['3:30', '4pm', '10:15', 'noon', '2:45', '5 pm'],
  thing: ['the robotics competition', 'the science fair', 'the SAT', 'AP Chem', 'the career fair', 'my internship interview', 'the FAFSA', 'the bridge project'],
  number: ['11', '2024', '45', '3.8', '1450', '21-14', '12', '2025'],
};

const CLEAN = [
  'Hi {name}, thanks for sending your {doc}! I left a few comments.',
  'Can we move our session to {day} at {time}?',
  'I just finished the draft of my {doc}, could you take a look?',
  'How did {thing} go? I remember you were nervous about it.',
  "I'm thinking about {field} but I'm not sure what the day to day looks like.",
  'When I interned at {company} the best thing I did was ask lots of questions.',
  'Let us meet in the library during the supervised session on {day}.',
  'I got a {number} on the practice test, better than last time!',
  'Grade {number} is when most students start looking at colleges seriously.',
  'For {field}, try to find a summer program or a volunteer role at {company}.',
  'Great job on {thing}, that took a lot of work.',
  'What questions should I ask at the end of an interview?',
  'My teacher said the deadline for {thing} is {day}.',
  'Do you think a gap year would hurt my chances for {field}?',
  'Page {number} of the guide has a good checklist for applications.',
  'Our class of {number} has a lot of people going into {field}.',
  'The analysis section of my {doc} is too long, any tips?',
  'I had shiitake ramen at the Scunthorpe stand at the fair lol',
  'ok see you {day}!',
  'thanks!! that really helps',
];

const UNWANTED = [
  'this {thing} is such bullsh1t',
  'what the f.u.c.k is wrong with this {doc}',
  'add me on snap {name}_22',
  'text me at 555 013 4567 after school',
  'my number is five five five zero one three four',
  "don't tell your parents we talked about this",
  'I can pick you up after school, just the two of us',
  'are you alone right now?',
  'i want to die, nothing is working',
  'email me at {name} at gmail dot com',
  'you look so pretty in your profile pic',
  'ugh {name} is a stupid b1tch',
];

/** Fills `{slot}`s of a template from the pools. */
function fill(template: string, random: () => number): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const pool = POOLS[slot] ?? [slot];
    return pool[Math.floor(random() * pool.length)] as string;
  });
}

/** One generated chat line and whether it came from an unwanted template. */
export interface CorpusLine {
  text: string;
  unwanted: boolean;
}

/** Generates `count` lines from `seed`; about `unwantedShare` of them unwanted. */
export function generateCorpus(count: number, seed = 42, unwantedShare = 0.03): CorpusLine[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const unwanted = random() < unwantedShare;
    const templates = unwanted ? UNWANTED : CLEAN;
    return { text: fill(templates[Math.floor(random() * templates.length)] as string, random), unwanted };
  });
}
