namespace AmqpBroker.InteropTests.Support;

/// <summary>One basic.return as the channel saw it, with the body and properties copied out of the client's buffer.</summary>
public sealed record Returned(ushort ReplyCode, string ReplyText, string Exchange, string RoutingKey, BasicProperties Properties, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public static Returned From(BasicReturnEventArgs args) =>
        new(args.ReplyCode, args.ReplyText, args.Exchange, args.RoutingKey, new BasicProperties(args.BasicProperties), args.Body.ToArray());
}
