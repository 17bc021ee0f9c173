/**
 * The video session page served at `/video`: log in, pick one of your mentorships, join its room with
 * your camera (coordinators watch without one) and see the other participants.
 */
import { TrellisVideoClient, VideoRequestError } from './video-client.ts';

const form = document.querySelector<HTMLFormElement>('#login')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;
const rooms = document.querySelector<HTMLDivElement>('#rooms')!;
const stage = document.querySelector<HTMLDivElement>('#stage')!;

function say(text: string): void {
  status.textContent = text;
}

/** Adds a video element for a track, labelled with who sends it. */
function show(label: string, track: MediaStreamTrack): void {
  const figure = document.createElement('figure');
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  const caption = document.createElement('figcaption');
  caption.textContent = label;
  figure.append(video, caption);
  stage.append(figure);
}

async function join(token: string, roomId: string, role: string): Promise<void> {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const client = await TrellisVideoClient.connect(url);
  const camera = role === 'coordinator' ? undefined : await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  try {
    const joined = await client.join(roomId, camera);
    say(`joined as ${joined.as}`);
  } catch (error) {
    say(error instanceof VideoRequestError ? `refused: ${error.code}` : String(error));
    return;
  }
  for (const track of camera?.getVideoTracks() ?? []) show('you', track);
  const shown = new Set<string>();
  setInterval(() => {
    for (const [producerId, remote] of client.remote) {
      if (shown.has(producerId) || remote.consumer.kind !== 'video') continue;
      shown.add(producerId);
      show(remote.userId, remote.consumer.track);
    }
  }, 500);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  void (async () => {
    const login = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: data.get('email'), password: data.get('password') }),
    });
    if (!login.ok) return say('wrong email or password');
    const { token, user } = (await login.json()) as { token: string; user: { role: string } };
    const list = (await (await fetch('/mentorships', { headers: { authorization: `Bearer ${token}` } })).json()) as {
      id: string;
      kind: string;
      status: string;
      members: { user: { displayName: string } }[];
    }[];
    rooms.replaceChildren();
    for (const mentorship of list.filter((m) => m.status === 'active')) {
      const button = document.createElement('button');
      button.textContent = `${mentorship.kind.replace('_', ' ')}: ${mentorship.members.map((m) => m.user.displayName).join(', ')}`;
      button.addEventListener('click', () => void join(token, mentorship.id, user.role).catch((error: unknown) => say(String(error))));
      rooms.append(button);
    }
    say('pick a mentorship to join its video room');
  })();
});
