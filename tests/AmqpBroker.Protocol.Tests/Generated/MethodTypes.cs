using System.Reflection;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Generated;

/// <summary>The generated method structs, found by reflection over the protocol assembly.</summary>
internal static class MethodTypes
{
    public static IReadOnlyList<Type> All { get; } = typeof(IAmqpMethod<>).Assembly.GetTypes()
        .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAmqpMethod<>)))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>The public instance properties that carry arguments (everything but ArgumentsSize).</summary>
    public static IReadOnlyList<PropertyInfo> ArgumentProperties(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name != nameof(IAmqpMethod<BasicAck>.ArgumentsSize))
        .OrderBy(p => p.MetadataToken)
        .ToList();

    /// <summary>Calls the static abstract members through the interface, as generic frame code does.</summary>
    public static (ushort ClassId, ushort MethodId, uint CommandId) Ids(Type type) =>
        ((ushort ClassId, ushort MethodId, uint CommandId))typeof(MethodTypes)
            .GetMethod(nameof(IdsOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type)
            .Invoke(null, null)!;

    private static (ushort ClassId, ushort MethodId, uint CommandId) IdsOf<T>() where T : struct, IAmqpMethod<T> =>
        (T.ClassId, T.MethodId, T.CommandId);
}
