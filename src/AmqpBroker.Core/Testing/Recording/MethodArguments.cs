using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// Reads any method's arguments into a table named as the spec names them (<c>routing-key</c>, <c>delivery-tag</c>),
/// through the generated method structs, found once by reflection. Only the recorder uses it, and only while recording.
/// </summary>
internal static class MethodArguments
{
    private static readonly FrozenDictionary<uint, Func<byte[], IReadOnlyDictionary<string, object?>>> Readers = FindReaders();

    /// <summary>The arguments of <paramref name="commandId"/> in <paramref name="arguments"/> (the method frame after its class and method ids); empty for an unknown method.</summary>
    public static IReadOnlyDictionary<string, object?> Read(uint commandId, byte[] arguments)
    {
        if (!Readers.TryGetValue(commandId, out var read))
        {
            return FieldTable.Empty;
        }

        try
        {
            return read(arguments);
        }
        catch (AmqpFormatException)
        {
            // The broker refuses a malformed method itself; the recording keeps that it came.
            return FieldTable.Empty;
        }
    }

    private static FrozenDictionary<uint, Func<byte[], IReadOnlyDictionary<string, object?>>> FindReaders()
    {
        var readOne = typeof(MethodArguments).GetMethod(nameof(ReadOne), BindingFlags.NonPublic | BindingFlags.Static)!;
        return typeof(IAmqpMethod<>).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAmqpMethod<>)))
            .ToFrozenDictionary(
                t => (uint)t.GetProperty(nameof(IAmqpMethod<BasicAck>.CommandId), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!,
                t => readOne.MakeGenericMethod(t).CreateDelegate<Func<byte[], IReadOnlyDictionary<string, object?>>>());
    }

    private static Dictionary<string, object?> ReadOne<T>(byte[] arguments)
        where T : struct, IAmqpMethod<T>
    {
        var reader = new AmqpReader(arguments);
        object method = T.Read(ref reader);
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name != nameof(IAmqpMethod<T>.ArgumentsSize))
            {
                table[SpecName(property.Name)] = property.GetValue(method);
            }
        }

        return table;
    }

    /// <summary><c>RoutingKey</c> → <c>routing-key</c>.</summary>
    private static string SpecName(string propertyName)
    {
        var name = new StringBuilder(propertyName.Length + 4);
        foreach (var c in propertyName)
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }
}
