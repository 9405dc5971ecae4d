using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Server.Connections;

/// <summary>Extracts user name and password from a connection.start-ok response (PLAIN or AMQPLAIN).</summary>
internal static class SaslAuthenticator
{
    public const string Mechanisms = "PLAIN AMQPLAIN";

    public static (string User, string Password) ParseResponse(string mechanism, ReadOnlySpan<byte> response) => mechanism switch
    {
        "PLAIN" => ParsePlain(response),
        "AMQPLAIN" => ParseAmqPlain(response),
        _ => throw AmqpException.CommandInvalid($"unknown authentication mechanism '{mechanism}'"),
    };

    /// <summary>RFC 4616: <c>[authzid] NUL authcid NUL passwd</c>.</summary>
    private static (string, string) ParsePlain(ReadOnlySpan<byte> response)
    {
        var first = response.IndexOf((byte)0);
        var second = first < 0 ? -1 : response[(first + 1)..].IndexOf((byte)0);
        if (second < 0)
        {
            throw AmqpException.AccessRefused("PLAIN login response is malformed");
        }

        var user = response.Slice(first + 1, second);
        var password = response[(first + second + 2)..];
        return (System.Text.Encoding.UTF8.GetString(user), System.Text.Encoding.UTF8.GetString(password));
    }

    /// <summary>A field table without its length prefix, holding LOGIN and PASSWORD.</summary>
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

        throw AmqpException.AccessRefused("AMQPLAIN login response is malformed");
    }
}
