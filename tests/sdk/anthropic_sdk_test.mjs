// Drives a running `llmgw serve` with the official Anthropic Node SDK. The C++ test that
// starts the daemon passes LLMGW_URL, LLMGW_KEY (may use echo and premium, an
// Anthropic-kind mock that calls a tool), LLMGW_DENIED_KEY (denied echo by a rule) and
// LLMGW_SPENT_KEY (a budget of 0). Exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import Anthropic, {
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
} from '@anthropic-ai/sdk';

const baseURL = process.env.LLMGW_URL;
const client = new Anthropic({ baseURL, apiKey: process.env.LLMGW_KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'hello from the sdk' }];
let passed = 0;

const message = await client.messages.create({ model: 'echo', max_tokens: 100, messages });
assert.equal(message.type, 'message');
assert.deepEqual(message.content, [{ type: 'text', text: 'hello from the sdk' }]);
assert.equal(message.usage.input_tokens > 0, true);
passed += 1;

// The SDK's stream helper: text as it comes, then the whole message.
let streamed = '';
const stream = client.messages
  .stream({ model: 'echo', max_tokens: 100, messages })
  .on('text', (text) => {
    streamed += text;
  });
const final = await stream.finalMessage();
assert.equal(streamed, 'hello from the sdk');
assert.equal(final.content[0].text, 'hello from the sdk');
assert.equal(final.stop_reason, 'end_turn');
passed += 1;

// Tool use, whole and streamed: the streamed input arrives in pieces the helper joins.
const tools = [{ name: 'ls', description: 'list files', input_schema: { type: 'object' } }];
const called = await client.messages.create({ model: 'premium', max_tokens: 100, messages, tools });
assert.equal(called.stop_reason, 'tool_use');
assert.deepEqual(called.content[0].input, { path: '.' });
const streamedCall = await client.messages
  .stream({ model: 'premium', max_tokens: 100, messages, tools })
  .finalMessage();
assert.equal(streamedCall.content[0].type, 'tool_use');
assert.deepEqual(streamedCall.content[0].input, { path: '.' });
assert.equal(streamedCall.usage.output_tokens, 17);
passed += 1;

const counted = await client.messages.countTokens({ model: 'premium', messages });
assert.equal(counted.input_tokens, 2095);
passed += 1;

const denied = new Anthropic({ baseURL, apiKey: process.env.LLMGW_DENIED_KEY, maxRetries: 0 });
await assert.rejects(denied.messages.create({ model: 'echo', max_tokens: 10, messages }), (error) => {
  assert.equal(error instanceof PermissionDeniedError, true);
  assert.equal(error.status, 403);
  assert.match(error.message, /Access denied: Model echo is in the denied models list/);
  assert.equal(error.error.error.type, 'permission_error');
  return true;
});
passed += 1;

const unknown = new Anthropic({ baseURL, apiKey: 'llmgtwy_' + 'x'.repeat(40), maxRetries: 0 });
await assert.rejects(unknown.messages.create({ model: 'echo', max_tokens: 10, messages }), (error) => {
  assert.equal(error instanceof AuthenticationError, true);
  assert.match(error.message, /Invalid API key/);
  return true;
});
passed += 1;

const spent = new Anthropic({ baseURL, apiKey: process.env.LLMGW_SPENT_KEY, maxRetries: 0 });
await assert.rejects(spent.messages.create({ model: 'echo', max_tokens: 10, messages }), (error) => {
  assert.equal(error instanceof PaymentRequiredError, true);
  assert.equal(error.error.error.type, 'billing_error');
  assert.match(error.message, /Usage limit reached/);
  return true;
});
passed += 1;

console.log(`anthropic sdk: ${passed} passed, 0 failed`);
