using System.Reflection;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Generated;

/// <summary>Every generated method type survives Write then Read with every property set to a non-default value.</summary>
[TestFixture]
public sealed class RoundTripTests
{
    /// <summary>How the bit properties are set: every bit, or alternate ones, so a swapped mask is caught.</summary>
    public enum BitPattern
    {
        AllSet,
        EvenSet,
        OddSet,
    }

    public static IEnumerable<TestCaseData> Cases() =>
        from type in MethodTypes.All
        from pattern in Enum.GetValues<BitPattern>()
        select new TestCaseData(type, pattern).SetArgDisplayNames(type.Name, pattern.ToString());

    [TestCaseSource(nameof(Cases))]
    public void Write_then_read_gives_back_every_property(Type methodType, BitPattern pattern)
    {
        typeof(RoundTripTests).GetMethod(nameof(RoundTrip), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(methodType)
            .Invoke(null, [pattern]);
    }

    [TestCaseSource(typeof(MethodTypes), nameof(MethodTypes.All))]
    public void The_default_value_has_no_null_properties_and_round_trips(Type methodType)
    {
        typeof(RoundTripTests).GetMethod(nameof(RoundTripDefault), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(methodType)
            .Invoke(null, null);
    }

    private static void RoundTrip<T>(BitPattern pattern) where T : struct, IAmqpMethod<T>
    {
        object boxed = default(T);
        var properties = MethodTypes.ArgumentProperties(typeof(T));
        for (var i = 0; i < properties.Count; i++)
        {
            properties[i].SetValue(boxed, SampleValue(properties[i], i, pattern));
        }

        var original = (T)boxed;
        var read = MethodCodec.Decode<T>(MethodCodec.Encode(original));
        AssertSameProperties(original, read);
    }

    private static void RoundTripDefault<T>() where T : struct, IAmqpMethod<T>
    {
        var original = default(T);
        foreach (var property in MethodTypes.ArgumentProperties(typeof(T)))
        {
            Assert.That(property.GetValue(original), Is.Not.Null, $"{typeof(T).Name}.{property.Name}");
        }

        AssertSameProperties(original, MethodCodec.Decode<T>(MethodCodec.Encode(original)));
    }

    private static void AssertSameProperties<T>(T expected, T actual) where T : struct
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var property in MethodTypes.ArgumentProperties(typeof(T)))
            {
                Assert.That(property.GetValue(actual), Is.EqualTo(property.GetValue(expected)), $"{typeof(T).Name}.{property.Name}");
            }
        }
    }

    private static object SampleValue(PropertyInfo property, int index, BitPattern pattern)
    {
        var type = property.PropertyType;
        if (type == typeof(bool))
        {
            return pattern switch
            {
                BitPattern.AllSet => true,
                BitPattern.EvenSet => index % 2 == 0,
                _ => index % 2 == 1,
            };
        }

        // High bits set and a per-property offset, so byte order and field mix-ups both show.
        if (type == typeof(byte))
        {
            return (byte)(0xA0 + index);
        }

        if (type == typeof(ushort))
        {
            return (ushort)(0xA100 + index);
        }

        if (type == typeof(uint))
        {
            return 0xA2000000u + (uint)index;
        }

        if (type == typeof(ulong))
        {
            return 0xA300000000000000UL + (ulong)index;
        }

        if (type == typeof(AmqpTimestamp))
        {
            return new AmqpTimestamp(1_700_000_000 + index);
        }

        if (type == typeof(string))
        {
            return $"{property.Name}-é{index}";
        }

        if (type == typeof(byte[]))
        {
            return new byte[] { 0x00, 0xFF, (byte)index, 0x7F };
        }

        if (type == typeof(IReadOnlyDictionary<string, object?>))
        {
            return new Dictionary<string, object?> { ["name"] = property.Name, ["index"] = index, ["flag"] = true };
        }

        throw new NotSupportedException($"no sample value for {type}");
    }
}
