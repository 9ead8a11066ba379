import type { TestProject } from "vitest/node";
import { startReceiver } from "./receiver";

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}

/** One receiver for the workerd project; tests inside workerd reach it over real HTTP. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  project.provide("receiverUrl", receiver.url(""));
  return () => receiver.close();
}
