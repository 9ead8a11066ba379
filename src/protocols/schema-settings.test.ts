import { describe, expect, it } from "vitest";
import { StoredDataError } from "../storage/stored-json";
import { readStoredSchemaBlocks } from "./schema-blocks";
import { DEFAULT_SCHEMA_SETTINGS, readStoredSettings } from "./schema-settings";

describe("readStoredSettings", () => {
  it("reads saved settings, filling fields a row saved before they existed with defaults", () => {
    const saved = { ...DEFAULT_SCHEMA_SETTINGS, track: { ...DEFAULT_SCHEMA_SETTINGS.track, allowUnplannedEvents: false } };
    expect(readStoredSettings(JSON.stringify(saved), "src1")).toEqual(saved);
    expect(readStoredSettings('{"identify":{"allowUnplannedTraits":false}}', "src1")).toEqual({
      ...DEFAULT_SCHEMA_SETTINGS,
      identify: { ...DEFAULT_SCHEMA_SETTINGS.identify, allowUnplannedTraits: false },
    });
  });

  it("fails naming the table and source when a row no longer reads", () => {
    expect(() => readStoredSettings('{"track":{"allowUnplannedEvents":"no"}}', "src1")).toThrow(StoredDataError);
    expect(() => readStoredSettings('{"track":{"allowUnplannedEvents":"no"}}', "src1")).toThrow(
      /source_protocols\.settings of src1 is not readable: track\.allowUnplannedEvents/,
    );
  });
});

describe("readStoredSchemaBlocks", () => {
  it("reads blocks and refuses a row of the wrong shape", () => {
    expect(readStoredSchemaBlocks('{"events":[{"type":"track","name":"A"}],"traits":[]}', "src1")).toEqual({
      events: [{ type: "track", name: "A" }],
      traits: [],
    });
    expect(() => readStoredSchemaBlocks('{"events":[{"type":"page","name":"A"}],"traits":[]}', "src1")).toThrow(/source_protocols\.schema_blocks of src1/);
  });
});
