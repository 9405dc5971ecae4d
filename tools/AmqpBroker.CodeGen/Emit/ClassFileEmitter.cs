using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>Emits <c>{Class}Methods.g.cs</c>: the structs of every method of one AMQP class.</summary>
internal static class ClassFileEmitter
{
    public static (string FileName, string Content) Emit(AmqpSpec spec, SpecClass specClass)
    {
        var code = new CodeWriter();
        FileHeader.Write(code, spec.Copyright, "AmqpBroker.Protocol.Encoding");
        for (var i = 0; i < specClass.Methods.Count; i++)
        {
            if (i > 0)
            {
                code.Line();
            }

            MethodStructEmitter.Write(code, specClass, specClass.Methods[i]);
        }

        return ($"{Naming.Pascal(specClass.Name)}Methods.g.cs", code.ToString());
    }
}
