using AmqpBroker.CodeGen.Emit;
using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen;

/// <summary>
/// Turns the spec JSON into the C# files of <c>src/AmqpBroker.Protocol/Methods</c>. Pure: the same input
/// always gives byte-identical output, which the GeneratedCodeIsCurrent test relies on.
/// </summary>
internal static class MethodsGenerator
{
    public const string SpecFileName = "amqp-rabbitmq-0.9.1.json";

    public static IReadOnlyList<(string FileName, string Content)> Generate(string specJson)
    {
        var spec = SpecParser.Parse(specJson);
        var files = spec.Classes.Select(c => ClassFileEmitter.Emit(spec, c)).ToList();
        files.Add(CommandIdsEmitter.Emit(spec));
        files.Add(ConstantsEmitter.Emit(spec));
        return files;
    }
}
