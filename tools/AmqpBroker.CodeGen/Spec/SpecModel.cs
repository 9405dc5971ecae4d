namespace AmqpBroker.CodeGen.Spec;

/// <summary>The parts of the spec JSON the generator uses, with every domain already resolved to its wire type.</summary>
internal sealed record AmqpSpec(string Copyright, IReadOnlyList<SpecConstant> Constants, IReadOnlyList<SpecClass> Classes);

/// <summary>A spec constant; <see cref="ErrorClass"/> is "soft-error", "hard-error" or null.</summary>
internal sealed record SpecConstant(string Name, int Value, string? ErrorClass);

internal sealed record SpecClass(string Name, ushort Id, IReadOnlyList<SpecMethod> Methods);

internal sealed record SpecMethod(string Name, ushort Id, bool HasContent, bool IsSynchronous, IReadOnlyList<SpecField> Fields);

internal sealed record SpecField(string Name, AmqpType Type);
