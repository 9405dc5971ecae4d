#!/usr/bin/env node
// Cross-language check with npm's amqplib (promise API): publisher confirms with properties and headers, topic
// routing, prefetch and manual acks, nack with requeue, mandatory returns, a channel error that leaves the
// connection usable, direct reply-to RPC, purge and delete counts. Prints one line per check and exits non-zero
// on the first failure. Usage: node amqplib_check.js AMQP_PORT
'use strict';
const amqp = require('amqplib');
const crypto = require('crypto');

const TIMEOUT_MS = 10000;

function check(name, actual, expected) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    throw new Error(`${name}: expected ${e}, got ${a}`);
  }
  console.log(`ok   ${name}`);
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing within ${TIMEOUT_MS} ms`)), TIMEOUT_MS); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function drain(channel, queue) {
  const bodies = [];
  for (let message = await channel.get(queue, { noAck: true }); message; message = await channel.get(queue, { noAck: true })) {
    bodies.push(message.content.toString());
  }
  return bodies;
}

async function main(port) {
  const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`);
  const suffix = crypto.randomBytes(4).toString('hex');
  const channel = await connection.createConfirmChannel();
  const queue = async (name) => (await channel.assertQueue(`${name}-${suffix}`, { exclusive: true })).queue;

  const props = await queue('props');
  channel.sendToQueue(props, Buffer.from('hello'), { persistent: true, contentType: 'text/plain', headers: { 'x-trace': 'abc', n: 7 }, expiration: '60000', messageId: 'm-1' });
  await channel.waitForConfirms();
  const got = await channel.get(props, { noAck: true });
  check('body, properties and headers come back', [got.content.toString(), got.properties.contentType, got.properties.deliveryMode, got.properties.expiration, got.properties.messageId, got.properties.headers],
    ['hello', 'text/plain', 2, '60000', 'm-1', { 'x-trace': 'abc', n: 7 }]);

  const topic = `topic-${suffix}`;
  await channel.assertExchange(topic, 'topic', { autoDelete: true });
  const [stars, hashes] = [await queue('stars'), await queue('hashes')];
  await channel.bindQueue(stars, topic, '*.orange.*');
  await channel.bindQueue(hashes, topic, 'lazy.#');
  for (const key of ['quick.orange.rabbit', 'lazy.orange.elephant', 'lazy.brown.fox', 'lazy', 'quick.brown.fox']) {
    channel.publish(topic, key, Buffer.from(key));
  }
  await channel.waitForConfirms();
  check('topic routing *.orange.*', await drain(channel, stars), ['quick.orange.rabbit', 'lazy.orange.elephant']);
  check('topic routing lazy.#', await drain(channel, hashes), ['lazy.orange.elephant', 'lazy.brown.fox', 'lazy']);

  const work = await queue('work');
  for (let i = 0; i < 10; i++) {
    channel.sendToQueue(work, Buffer.from(String(i)));
  }
  await channel.waitForConfirms();
  const consumer = await connection.createChannel();
  await consumer.prefetch(2);
  const received = [];
  const allReceived = new Promise((resolve) => {
    consumer.consume(work, (message) => {
      received.push(message.content.toString());
      consumer.ack(message);
      if (received.length === 10) {
        resolve();
      }
    }).then((ok) => { consumer.tag = ok.consumerTag; });
  });
  await within(allReceived, 'prefetch 2 with manual acks');
  check('prefetch 2 with manual acks delivers in order', received, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  await consumer.cancel(consumer.tag);

  channel.sendToQueue(work, Buffer.from('again'));
  await channel.waitForConfirms();
  const first = await channel.get(work);
  channel.nack(first, false, true);
  const second = await channel.get(work, { noAck: true });
  check('nack with requeue comes back redelivered', [first.fields.redelivered, second.content.toString(), second.fields.redelivered], [false, 'again', true]);

  const returned = new Promise((resolve) => channel.once('return', resolve));
  channel.publish(topic, 'no.such.key', Buffer.from('lost'), { mandatory: true });
  const bounce = await within(returned, 'mandatory return');
  check('an unroutable mandatory publish is returned', [bounce.fields.replyCode, bounce.fields.replyText, bounce.content.toString()], [312, 'NO_ROUTE', 'lost']);

  const doomed = await connection.createChannel();
  doomed.on('error', () => {});
  const refused = await doomed.checkQueue(`missing-${suffix}`).then(() => null, (error) => error.code);
  check('a passive declare of a missing queue closes the channel with 404', refused, 404);
  check('the connection stays usable', (await (await connection.createChannel()).checkQueue(work)).messageCount, 0);

  const rpcQueue = await queue('rpc');
  const server = await connection.createChannel();
  await server.consume(rpcQueue, (request) => {
    server.sendToQueue(request.properties.replyTo, Buffer.from(request.content.toString().toUpperCase()), { correlationId: request.properties.correlationId });
    server.ack(request);
  });
  const client = await connection.createChannel();
  const reply = new Promise((resolve) => client.consume('amq.rabbitmq.reply-to', resolve, { noAck: true }));
  await client.sendToQueue(rpcQueue, Buffer.from('ping'), { replyTo: 'amq.rabbitmq.reply-to', correlationId: 'c-1' });
  const answer = await within(reply, 'direct reply-to');
  check('direct reply-to RPC', [answer.content.toString(), answer.properties.correlationId], ['PING', 'c-1']);

  const counted = await queue('counted');
  for (let i = 0; i < 3; i++) {
    channel.sendToQueue(counted, Buffer.from('x'));
  }
  await channel.waitForConfirms();
  check('purge reports the messages it removed', (await channel.purgeQueue(counted)).messageCount, 3);
  channel.sendToQueue(counted, Buffer.from('y'));
  await channel.waitForConfirms();
  check('delete reports the messages it removed', (await channel.deleteQueue(counted)).messageCount, 1);

  await connection.close();
  console.log('all checks passed');
}

main(Number(process.argv[2])).catch((error) => {
  console.log(`FAIL ${error.message}`);
  process.exit(1);
});
