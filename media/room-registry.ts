import type { MediaLogger } from './logger.ts';
import type { TransportSettings } from './peer.ts';
import { Room, type JoinRequest, type Joined } from './room.ts';
import type { WorkerPool } from './worker-pool.ts';

/** A room with its peer and worker counts, for health and metrics. */
export interface RoomSnapshot {
  /** Room id (mentorship id). */
  roomId: string;
  /** pid of the hosting worker. */
  workerPid: number;
  /** Peers, observers included. */
  peers: number;
  /** Consumers (received streams) over all peers. */
  consumers: number;
}

/**
 * The open rooms of one VideoService, by id. Creation is serialised per id, so two concurrent joins
 * never make two routers for one room; closed rooms are dropped.
 */
export class RoomRegistry {
  readonly #pool: WorkerPool;
  readonly #transport: TransportSettings;
  readonly #logger: MediaLogger;
  readonly #rooms = new Map<string, Room>();
  readonly #opening = new Map<string, Promise<Room>>();

  /** @param pool where routers are made; @param transport peers' transport settings; @param logger parent logger. */
  constructor(pool: WorkerPool, transport: TransportSettings, logger: MediaLogger) {
    this.#pool = pool;
    this.#transport = transport;
    this.#logger = logger;
  }

  /**
   * Joins the room, opening it first if needed. A room that closes between opening and joining
   * (its worker died, its last peer left) is replaced by a new one. A room this join opened is closed
   * again if the join is refused.
   */
  async join(roomId: string, request: JoinRequest): Promise<Joined & { room: Room }> {
    for (;;) {
      const room = await this.#open(roomId);
      if (room.closed) continue; // dropped from #rooms on close: the next #open makes a new one
      try {
        return { ...room.join(request), room };
      } catch (error) {
        if (room.peerCount === 0) room.close('empty');
        throw error;
      }
    }
  }

  /** The open rooms. */
  snapshot(): RoomSnapshot[] {
    return [...this.#rooms.values()].map((room) => ({ roomId: room.id, workerPid: room.workerPid, peers: room.peerCount, consumers: room.consumerCount }));
  }

  /** Closes every room (reason 'shutdown'). */
  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close('shutdown');
  }

  #open(roomId: string): Promise<Room> {
    const open = this.#rooms.get(roomId);
    if (open) return Promise.resolve(open);
    let opening = this.#opening.get(roomId);
    if (!opening) {
      opening = Room.create({ roomId, pool: this.#pool, transport: this.#transport, logger: this.#logger }).then(
        (room) => {
          if (room.closed) return room; // its worker died while it opened
          this.#rooms.set(roomId, room);
          room.once('closed', () => {
            if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
          });
          return room;
        },
      );
      const settled = () => this.#opening.delete(roomId);
      opening.then(settled, settled);
      this.#opening.set(roomId, opening);
    }
    return opening;
  }
}
