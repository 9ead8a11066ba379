import { describe, expect, it } from "vitest";
import { toDestination, toFilter } from "./destination-store";

const row = {
  id: "ds_1",
  name: "Hook",
  type: "webhook",
  enabled: 1,
  source_ids: '["src1"]',
  settings: '{"url":"https://hooks.example.com"}',
  consent_categories: "[]",
};
const filterRow = { id: "df_1", destination_id: "ds_1", title: "Drop tests", expression: "all", actions: '[{"type":"DROP"}]', enabled: 1 };

describe("stored destinations and filters", () => {
  it("read back as they were saved", () => {
    expect(toDestination(row)).toEqual({
      id: "ds_1",
      name: "Hook",
      type: "webhook",
      enabled: true,
      sourceIds: ["src1"],
      // Read through the webhook type's own schema: its defaults apply.
      settings: { url: "https://hooks.example.com", batch: false },
      consentCategories: [],
    });
    expect(toFilter(filterRow).actions).toEqual([{ type: "DROP" }]);
  });

  it("fail loudly, naming the table, column and id, when a row no longer reads", () => {
    expect(() => toDestination({ ...row, source_ids: '"src1"' })).toThrow(/destinations\.source_ids of ds_1 is not readable/);
    expect(() => toDestination({ ...row, settings: "not json" })).toThrow(/destinations\.settings of ds_1 is not readable: not JSON/);
    expect(() => toDestination({ ...row, settings: '{"headers":"X-Team: growth"}' })).toThrow(/destinations\.settings of ds_1 is not readable: url: /);
    expect(() => toDestination({ ...row, type: "carrier-pigeon" })).toThrow(/destinations\.type of ds_1 is not readable: no destination type "carrier-pigeon"/);
    expect(() => toFilter({ ...filterRow, actions: '[{"type":"EXPLODE"}]' })).toThrow(/destination_filters\.actions of df_1 is not readable/);
  });
});
