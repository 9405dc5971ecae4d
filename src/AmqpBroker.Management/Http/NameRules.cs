using System.Text;

namespace AmqpBroker.Management.Http;

/// <summary>Names AMQP carries as short strings (exchanges, queues, routing keys) must fit in 255 bytes there too.</summary>
internal static class NameRules
{
    private const int ShortStringLimit = 255;

    public static string Check(string name, string what) =>
        Encoding.UTF8.GetByteCount(name) <= ShortStringLimit
            ? name
            : throw ApiException.BadRequest($"{what} is longer than {ShortStringLimit} bytes");
}
