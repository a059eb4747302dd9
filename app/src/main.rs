fn main() {
    vmxml_app::mount();
}
