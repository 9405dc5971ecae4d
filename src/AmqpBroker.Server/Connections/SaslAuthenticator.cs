using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// Reads user name and password from a connection.start-ok response (PLAIN or AMQPLAIN) as strictly as
/// RabbitMQ: a response it cannot read is a protocol error (the connection is closed without a reply),
/// not a refused login.
/// </summary>
internal static class SaslAuthenticator
{
    public const string External = "EXTERNAL";

    /// <summary>The mechanisms connection.start offers; EXTERNAL only to a client that presented a certificate over TLS.</summary>
    public static string Mechanisms(bool offerExternal) => offerExternal ? "PLAIN AMQPLAIN EXTERNAL" : "PLAIN AMQPLAIN";

    public static (string User, string Password) ParseResponse(string mechanism, ReadOnlySpan<byte> response) => mechanism switch
    {
        "PLAIN" => ParsePlain(response),
        "AMQPLAIN" => ParseAmqPlain(response),
        _ => throw UnknownMechanism(mechanism),
    };

    public static AmqpException UnknownMechanism(string mechanism) => AmqpException.CommandInvalid($"unknown authentication mechanism '{mechanism}'");

    /// <summary>
    /// RFC 4616 <c>[authzid] NUL authcid NUL passwd</c>, as RabbitMQ reads it: the authorisation id must be
    /// empty (RabbitMQ has no identity to act as), and neither name nor password may hold a NUL.
    /// </summary>
    private static (string, string) ParsePlain(ReadOnlySpan<byte> response)
    {
        var rest = response.Length > 0 && response[0] == 0 ? response[1..] : throw Invalid(response);
        var separator = rest.IndexOf((byte)0);
        if (separator < 0 || rest[(separator + 1)..].Contains((byte)0))
        {
            throw Invalid(response);
        }

        return (System.Text.Encoding.UTF8.GetString(rest[..separator]), System.Text.Encoding.UTF8.GetString(rest[(separator + 1)..]));
    }

    /// <summary>A field table without its length prefix, holding LOGIN and PASSWORD as long strings.</summary>
    private static (string, string) ParseAmqPlain(ReadOnlySpan<byte> response)
    {
        Span<byte> framed = new byte[response.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)response.Length);
        response.CopyTo(framed[4..]);
        try
        {
            var reader = new AmqpReader(framed);
            var table = reader.ReadTable();
            if (table.GetValueOrDefault("LOGIN") is string user && table.GetValueOrDefault("PASSWORD") is string password)
            {
                return (user, password);
            }
        }
        catch (AmqpFormatException)
        {
        }

        throw AmqpException.SyntaxError("AMQPLAIN auth info is missing LOGIN or PASSWORD field");
    }

    private static AmqpException Invalid(ReadOnlySpan<byte> response) =>
        AmqpException.SyntaxError($"response {Protocol.Framing.ErlangBinary.Printed(response)} invalid");
}
