#include "libs/rpc/service_channel.h"

#include "gtest/gtest.h"
#include "seckill/product/v1/product.grpc.pb.h"

namespace seckill::rpc {
namespace {

TEST(ServiceChannelTest, NoInstanceMeansNoChannelAndNoStub) {
  auto channel = std::make_shared<ServiceChannel>("product", ChannelSecurity::Insecure());
  EXPECT_EQ(channel->Current(), nullptr);
  channel->Update({});
  EXPECT_EQ(channel->Current(), nullptr);
  Stubs<product::v1::ProductService> stubs(channel);
  EXPECT_EQ(stubs.Get(), nullptr);
  EXPECT_TRUE(absl::IsUnavailable(NoInstanceError(stubs.service())));
}

TEST(ServiceChannelTest, ANewSetMakesANewChannelAndTheSameSetKeepsIt) {
  auto channel = std::make_shared<ServiceChannel>("product", ChannelSecurity::Insecure());
  channel->Update({"127.0.0.1:1"});
  const auto first = channel->Current();
  ASSERT_NE(first, nullptr);
  const uint64_t generation = channel->generation();
  Stubs<product::v1::ProductService> stubs(channel);
  const auto stub = stubs.Get();
  ASSERT_NE(stub, nullptr);
  EXPECT_EQ(stubs.Get(), stub) << "the stub is kept while the channel is";

  channel->Update({"127.0.0.1:1"});
  EXPECT_EQ(channel->Current(), first);
  EXPECT_EQ(channel->generation(), generation);

  channel->Update({"127.0.0.1:1", "127.0.0.1:2"});
  EXPECT_NE(channel->Current(), first);
  EXPECT_GT(channel->generation(), generation);
  EXPECT_NE(stubs.Get(), stub) << "a call after the change goes to the new set";

  channel->Update({});
  EXPECT_EQ(channel->Current(), nullptr);
  EXPECT_EQ(stubs.Get(), nullptr);
}

}  // namespace
}  // namespace seckill::rpc
