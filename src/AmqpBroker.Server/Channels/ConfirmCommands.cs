using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The confirm class (RabbitMQ's publisher confirms): confirm.select.</summary>
internal static class ConfirmCommands
{
    public static void Handle(AmqpChannel channel, uint commandId, ref AmqpReader reader)
    {
        if (commandId != CommandIds.ConfirmSelect)
        {
            throw AmqpChannel.UnsupportedMethod(commandId);
        }

        var select = ConfirmSelect.Read(ref reader);
        channel.EnableConfirms();
        if (!select.NoWait)
        {
            channel.Send(new ConfirmSelectOk());
        }
    }
}
