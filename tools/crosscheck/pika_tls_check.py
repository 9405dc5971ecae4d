#!/usr/bin/python3
"""Cross-language TLS check with Debian's python3-pika: a PLAIN login over TLS (the server certificate verified
against the given CA) with a message sent and got back, then, given a client certificate and key, a SASL EXTERNAL
login with that certificate. Exits non-zero on the first failure.
Usage: pika_tls_check.py AMQPS_PORT CA_FILE [CLIENT_CERT CLIENT_KEY]"""
import ssl
import sys
import uuid

import pika


def parameters(port, ca_file, client=None, credentials=None):
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client:
        context.load_cert_chain(*client)
    return pika.ConnectionParameters(
        "127.0.0.1", port, ssl_options=pika.SSLOptions(context, "localhost"),
        credentials=credentials or pika.PlainCredentials("guest", "guest"), heartbeat=10)


def main(port, ca_file, client):
    connection = pika.BlockingConnection(parameters(port, ca_file))
    channel = connection.channel()
    queue = channel.queue_declare(queue=f"pika-tls-{uuid.uuid4().hex[:8]}", exclusive=True).method.queue
    channel.basic_publish("", queue, b"over tls")
    _, _, body = channel.basic_get(queue, auto_ack=True)
    if body != b"over tls":
        print(f"FAIL plain login over TLS: got {body!r}")
        return 1
    print("ok   plain login over TLS")
    connection.close()

    if client:
        connection = pika.BlockingConnection(parameters(port, ca_file, client, pika.credentials.ExternalCredentials()))
        connection.channel()
        print("ok   EXTERNAL login with the client certificate")
        connection.close()

    print("all checks passed")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(int(args[0]), args[1], tuple(args[2:4]) if len(args) >= 4 else None))
