// Drives a running `llmgw serve` with the official OpenAI Node SDK: chat completions and
// the Responses API, whole and streamed, models.list, refusals, and a stored response
// another key cannot read. The C++ test that starts the daemon passes LLMGW_URL, LLMGW_KEY
// (may use echo only) and LLMGW_DENIED_KEY (denied echo by a rule). Exits non-zero on the
// first failed check.
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = `${process.env.LLMGW_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: process.env.LLMGW_KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'hello from the sdk' }];

const completion = await client.chat.completions.create({ model: 'echo', messages });
assert.equal(completion.choices[0].message.content, 'hello from the sdk');
assert.equal(completion.usage.prompt_tokens > 0, true);

let streamed = '';
let chunks = 0;
const stream = await client.chat.completions.create({ model: 'echo', messages, stream: true });
for await (const chunk of stream) {
  chunks += 1;
  streamed += chunk.choices[0]?.delta?.content ?? '';
}
assert.equal(streamed, 'hello from the sdk');
assert.equal(chunks > 2, true, `expected several chunks, got ${chunks}`);

const response = await client.responses.create({ model: 'echo', input: 'hello from responses' });
assert.equal(response.output_text, 'hello from responses');
assert.equal(response.usage.input_tokens > 0, true);

let responseText = '';
let completed = null;
const responseStream = await client.responses.create({
  model: 'echo',
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'streamed responses' }] }],
  stream: true,
});
for await (const event of responseStream) {
  if (event.type === 'response.output_text.delta') {
    responseText += event.delta;
  } else if (event.type === 'response.completed') {
    completed = event.response;
  }
}
assert.equal(responseText, 'streamed responses');
assert.equal(completed?.output_text ?? completed?.output[0].content[0].text, 'streamed responses');
assert.equal(completed.usage.output_tokens, 5);

const models = [];
for await (const model of client.models.list()) {
  models.push(model.id);
}
assert.deepEqual(models, ['echo']);

const denied = new OpenAI({ baseURL, apiKey: process.env.LLMGW_DENIED_KEY, maxRetries: 0 });
await assert.rejects(denied.chat.completions.create({ model: 'echo', messages }), (error) => {
  assert.equal(error.status, 403);
  assert.match(error.message, /Access denied: Model echo is in the denied models list/);
  assert.equal(error.code, 'permission_denied');
  return true;
});

await assert.rejects(
  client.responses.create({ model: 'echo', input: 'x', previous_response_id: 'resp_1' }),
  (error) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.match(error.message, /Previous response with id 'resp_1' not found/);
    return true;
  });

// Another key's response is unknown to it; its maker learns that echo keeps none.
await assert.rejects(denied.responses.retrieve(response.id), (error) => {
  assert.ok(error instanceof OpenAI.NotFoundError);
  assert.match(error.message, new RegExp(`Response with id '${response.id}' not found`));
  return true;
});
await assert.rejects(client.responses.retrieve(response.id), (error) => {
  assert.ok(error instanceof OpenAI.NotFoundError);
  assert.match(error.message, /was made by provider echo, which keeps no responses/);
  return true;
});

console.log('sdk: 8 passed, 0 failed');
