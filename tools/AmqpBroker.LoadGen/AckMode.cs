namespace AmqpBroker.LoadGen;

internal enum AckMode
{
    Auto,
    Manual,
}
