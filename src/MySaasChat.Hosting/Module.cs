using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Messaging;

namespace MySaasChat.Hosting;

/// <summary>
/// A module of the one program. Every module is known to every process (its event subscriptions
/// shape the broker's topology); only the modules of the chosen target add services and endpoints.
/// </summary>
public interface IModule
{
    /// <summary>Short name: the PostgreSQL schema, the SQLite file, the event consumer, e.g. "identity".</summary>
    string Name { get; }

    /// <summary>The target that runs this module on its own, e.g. "auth".</summary>
    string Target { get; }

    /// <summary>Declares the events this module consumes. <paramref name="services"/> is null when the module does not run here.</summary>
    void AddSubscriptions(SubscriptionCatalog catalog, IServiceCollection? services);

    void AddServices(WebApplicationBuilder builder, PlatformOptions options);

    void MapEndpoints(WebApplication app);
}
