// What each person of a load run should look like in the profiles, and what the Profile API says.
import type { Person, SentEvent } from "./load";
import { waitForDrain, type DrainOptions } from "./drain";
import { readProfile, readSegmentId, type ProfileView } from "./sluice-client";

export interface PersonProfiles {
  person: Person;
  /** The profile their userId finds (merges followed), or null. */
  profile: ProfileView | null;
  /** segment_id found by each of their identifiers (`type:value`), null when none. */
  segmentIds: Map<string, string | null>;
}

export const identifiersOf = (person: Person): string[] =>
  [`user_id:${person.userId}`, `email:${person.email}`, ...person.anonymousIds.map((id) => `anonymous_id:${id}`)].sort();

/** Reads every person's profile through the Profile API, a few people at a time. */
export async function readPeopleProfiles(baseUrl: string, people: readonly Person[]): Promise<PersonProfiles[]> {
  const results: PersonProfiles[] = [];
  for (let start = 0; start < people.length; start += 8) {
    const part = await Promise.all(
      people.slice(start, start + 8).map(async (person) => {
        const profile = await readProfile(baseUrl, `user_id:${person.userId}`);
        const segmentIds = new Map<string, string | null>();
        for (const identifier of identifiersOf(person).filter((id) => !id.startsWith("user_id:"))) {
          segmentIds.set(identifier, await readSegmentId(baseUrl, identifier));
        }
        return { person, profile, segmentIds };
      }),
    );
    results.push(...part);
  }
  return results;
}

/**
 * Polls until each person's profile (found by userId) lists every one of `expected(index)`'s
 * messageIds, reading only the people still missing some, then reads everyone's profiles once.
 */
export async function waitForProfiles(
  baseUrl: string,
  people: readonly Person[],
  expected: (index: number) => readonly string[],
  options: DrainOptions,
): Promise<PersonProfiles[]> {
  const pending = new Map(people.map((person, index) => [index, person]));
  await waitForDrain(
    "every person's events in their profile",
    async () => {
      const left = [...pending];
      for (let start = 0; start < left.length; start += 8) {
        await Promise.all(
          left.slice(start, start + 8).map(async ([index, person]) => {
            const listed = new Set((await readProfile(baseUrl, `user_id:${person.userId}`))?.eventIds ?? []);
            if (expected(index).every((id) => listed.has(id))) pending.delete(index);
          }),
        );
      }
      return [...pending.values()].map((person) => person.userId);
    },
    (left) => left.length === 0,
    (left) => `${left.length} of ${people.length} people still missing events (${left.slice(0, 5).join(", ")})`,
    options,
  );
  return readPeopleProfiles(baseUrl, people);
}

/**
 * Of one person's events, those their userId's profile must hold, and its identifiers: the
 * events naming the userId link every identifier they carry to it; an anonymous event belongs
 * there when its anonymousId is so linked (otherwise it has a profile of its own).
 */
export function userProfileShare(events: readonly SentEvent[]): { events: SentEvent[]; identifiers: Set<string> } {
  const identifiers = identifiersIn(events.filter((event) => event.identifiers.some((identifier) => identifier.startsWith("user_id:"))));
  return { events: events.filter((event) => event.identifiers.every((identifier) => identifiers.has(identifier))), identifiers };
}

/** The identifiers (`type:value`) that `events` carry. */
export function identifiersIn(events: Iterable<SentEvent>): Set<string> {
  const found = new Set<string>();
  for (const event of events) for (const identifier of event.identifiers) found.add(identifier);
  return found;
}
