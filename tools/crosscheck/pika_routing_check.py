#!/usr/bin/python3
"""Cross-language check with Debian's python3-pika: topic and headers routing with publisher confirms,
exchange-to-exchange bindings, an alternate exchange and a transaction. Prints one line per check and
exits non-zero on the first failure. Usage: pika_routing_check.py AMQP_PORT"""
import sys
import uuid

import pika


def main(port):
    connection = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, heartbeat=10))
    channel = connection.channel()
    channel.confirm_delivery()
    suffix = uuid.uuid4().hex[:8]

    def queue(name):
        return channel.queue_declare(queue=f"{name}-{suffix}", exclusive=True).method.queue

    def drain(q):
        bodies = []
        while True:
            method, _, body = channel.basic_get(q, auto_ack=True)
            if method is None:
                return bodies
            bodies.append(body.decode())

    def check(name, actual, expected):
        if actual != expected:
            print(f"FAIL {name}: expected {expected!r}, got {actual!r}")
            sys.exit(1)
        print(f"ok   {name}")

    topic = f"topic-{suffix}"
    channel.exchange_declare(topic, "topic", auto_delete=True)
    stars, hashes, exact = queue("stars"), queue("hashes"), queue("exact")
    channel.queue_bind(stars, topic, "*.orange.*")
    channel.queue_bind(hashes, topic, "lazy.#")
    channel.queue_bind(exact, topic, "quick.orange.rabbit")
    for key in ["quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox", "lazy", "quick.brown.fox", "a..b"]:
        channel.basic_publish(topic, key, key.encode())
    check("topic *.orange.*", drain(stars), ["quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox"])
    check("topic lazy.#", drain(hashes), ["lazy.orange.elephant", "lazy.brown.fox", "lazy"])
    check("topic exact", drain(exact), ["quick.orange.rabbit"])

    headers = f"headers-{suffix}"
    channel.exchange_declare(headers, "headers", auto_delete=True)
    match_all, match_any = queue("all"), queue("any")
    channel.queue_bind(match_all, headers, "", {"x-match": "all", "format": "pdf", "type": "report"})
    channel.queue_bind(match_any, headers, "", {"x-match": "any", "format": "pdf", "type": "log"})
    for body, hdrs in [("both", {"format": "pdf", "type": "report"}), ("pdf-only", {"format": "pdf"}),
                       ("log", {"type": "log"}), ("none", {"format": "zip"})]:
        channel.basic_publish(headers, "", body.encode(), pika.BasicProperties(headers=hdrs))
    check("headers x-match=all", drain(match_all), ["both"])
    check("headers x-match=any", drain(match_any), ["both", "pdf-only", "log"])

    upstream, alternate = f"up-{suffix}", f"ae-{suffix}"
    channel.exchange_declare(alternate, "fanout", auto_delete=True)
    channel.exchange_declare(upstream, "direct", auto_delete=True, arguments={"alternate-exchange": alternate})
    via_e2e, unrouted = queue("e2e"), queue("unrouted")
    channel.exchange_bind(topic, upstream, "quick.orange.rabbit")
    channel.queue_bind(via_e2e, topic, "#")
    channel.queue_bind(unrouted, alternate, "")
    channel.basic_publish(upstream, "quick.orange.rabbit", b"e2e")
    channel.basic_publish(upstream, "nobody", b"to-ae")
    check("exchange-to-exchange binding", drain(via_e2e), ["e2e"])
    check("alternate exchange", drain(unrouted), ["to-ae"])
    drain(stars), drain(exact)

    tx_channel = connection.channel()
    tx_channel.tx_select()
    tx_channel.basic_publish("", via_e2e, b"rolled-back")
    tx_channel.tx_rollback()
    tx_channel.basic_publish("", via_e2e, b"committed")
    check("tx before commit", drain(via_e2e), [])
    tx_channel.tx_commit()
    check("tx after commit", drain(via_e2e), ["committed"])
    connection.close()
    print("all checks passed")


if __name__ == "__main__":
    main(int(sys.argv[1]))
