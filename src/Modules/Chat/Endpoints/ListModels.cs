using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

internal static class ListModels
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/models", (ProviderCatalog catalog) =>
        TypedResults.Ok(catalog.Models.Select(catalog.Describe).ToList()));
}
