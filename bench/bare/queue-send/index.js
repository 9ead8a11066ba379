// Bench baseline: reads the POSTed body as JSON and answers only once the queue accepted it, as
// Sluice's 200 means "durably queued". No auth, no validation, no enrichment.
export default {
  async fetch(request, env) {
    if (request.method === "POST") await env.EVENTS.send(await request.json());
    return Response.json({ success: true });
  },
};
