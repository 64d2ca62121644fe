using MySaasChat.Integration.Tests.Platform;

namespace MySaasChat.Integration.Tests.Identity;

internal static class CleanUp
{
    /// <summary>Every process declares the queues of every module's consumers: remove this test's.</summary>
    public static async Task BrokerAsync(IDictionary<string, string?> settings)
    {
        foreach (var consumer in ProgramModules.All().Select(m => m.Name))
        {
            await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, consumer);
        }
    }
}
