// Module assemblies are referenced under an extern alias: their namespace MySaasChat.Modules.* would clash with the class below.
extern alias identity;
extern alias chat;

using MySaasChat.Hosting;

namespace MySaasChat;

/// <summary>Every module of the program, in the order their endpoints are mapped.</summary>
public static class Modules
{
    public static IReadOnlyList<IModule> All() => [new identity::MySaasChat.Modules.Identity.IdentityModule(), new chat::MySaasChat.Modules.Chat.ChatModule()];
}
